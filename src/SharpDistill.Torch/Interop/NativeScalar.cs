using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

/// <summary>Mirror of the C struct <c>sd_scalar</c>: <see cref="Kind"/> selects the meaningful field.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeScalar
{
    public const int DoubleKind = 0, IntKind = 1, BoolKind = 2;
    public int Kind;
    public double D;
    public long I;
}
