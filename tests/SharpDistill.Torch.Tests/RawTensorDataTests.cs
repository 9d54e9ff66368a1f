namespace SharpDistill.Torch.Tests;

/// <summary>Tensor metadata and construction used by foreign-format readers: 0-dim shapes, raw element bytes.</summary>
public class RawTensorDataTests
{
    [Fact]
    public void ShapeAndStridesOfAScalarAreEmpty()
    {
        using var scalar = Tensor.FromScalar(3L);
        Assert.Empty(scalar.Shape);
        Assert.Empty(scalar.Strides);
        Assert.Equal(1, scalar.NumEl);
    }

    [Fact]
    public void RawBytesMakeATensorOfAnyDtype()
    {
        // bfloat16 has no .NET type: 1.0 and -2.0 as their bit patterns 0x3F80 and 0xC000.
        using var bf16 = Tensor.FromRawBytes(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }, DType.BFloat16, 2);
        Assert.Equal(DType.BFloat16, bf16.DType);
        using var asFloat = bf16.To(DType.Float32);
        Assert.Equal(new[] { 1f, -2f }, asFloat.ToArray<float>());
        Assert.Throws<TorchArgumentException>(() => Tensor.FromRawBytes(new byte[3], DType.Float32, 1));
    }
}
