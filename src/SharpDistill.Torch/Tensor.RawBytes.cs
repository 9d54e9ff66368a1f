using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// Tensors built from raw little-endian element bytes: for readers of foreign formats (PyTorch
// checkpoints) whose dtypes have no .NET element type (bfloat16) or are only known at run time.
public sealed partial class Tensor
{
    /// <summary>
    /// A new contiguous CPU tensor of <paramref name="dtype"/> whose elements are copied from
    /// <paramref name="data"/> (row-major, native byte order). The byte count must be exactly
    /// numel × element size.
    /// </summary>
    public static unsafe Tensor FromRawBytes(ReadOnlySpan<byte> data, DType dtype, params long[] shape)
    {
        fixed (byte* p = data)
        fixed (long* s = shape)
            return Wrap(Native.sd_tensor_from_data(p, (nuint)data.Length, s, shape.Length, (int)dtype, out var h), h);
    }

    /// <summary>
    /// Copies the elements' raw bytes (row-major, native byte order, from any device) into
    /// <paramref name="destination"/>, which must hold exactly numel × element size bytes; works for
    /// every dtype, bf16 included.
    /// </summary>
    public unsafe void CopyRawTo(Span<byte> destination)
    {
        fixed (byte* p = destination) Status.Check(Native.sd_tensor_copy_to(Handle, p, (nuint)destination.Length));
    }
}
