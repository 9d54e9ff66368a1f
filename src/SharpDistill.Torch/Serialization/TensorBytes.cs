using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch.Serialization;

/// <summary>
/// Raw element bytes of tensors of any dtype (bf16 has no .NET element type), in the machine's byte
/// order, which the callers check to be little-endian.
/// </summary>
internal static unsafe class TensorBytes
{
    /// <summary>A new CPU tensor of <paramref name="dtype"/> and <paramref name="shape"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor ToTensor(ReadOnlySpan<byte> data, DType dtype, long[] shape)
    {
        fixed (byte* p = data)
        fixed (long* s = shape)
            return Tensor.Wrap(Native.sd_tensor_from_data(p, (nuint)data.Length, s, shape.Length, (int)dtype, out var h), h);
    }

    /// <summary>Size in bytes of the tensor's elements.</summary>
    public static long ByteCount(Tensor tensor) => checked(tensor.NumEl * tensor.DType.ElementSize());

    /// <summary>Copies the elements (row-major, from any device) into <paramref name="destination"/>, which must fit exactly.</summary>
    public static void CopyTo(Tensor tensor, Span<byte> destination) => tensor.CopyRawTo(destination);
}
