using SharpDistill.Torch;

namespace SharpDistill.Torch.Tests;

public class CoreTests
{
    [Fact]
    public void ReportsVersions()
    {
        Assert.Equal(SharpDistill.Torch.Interop.NativeLoader.ExpectedAbiVersion, TorchRuntime.AbiVersion); // the loaded shim matches these declarations
        Assert.StartsWith("1.", TorchRuntime.LibTorchVersion.Length > 0 ? TorchRuntime.LibTorchVersion : "?");
    }

    [Fact]
    public void RoundTripsArrays()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
        using var sum = t.Sum();
        Assert.Equal(21f, sum.ToSingle());
    }

    [Fact]
    public void ShapeMismatchIsATypedException()
    {
        using var a = Tensors.Ones(2, 3);
        using var b = Tensors.Ones(4, 5);
        var e = Assert.Throws<TorchArgumentException>(() => a.MatMul(b));
        Assert.Contains("shapes cannot be multiplied", e.Message);
    }

    [Fact]
    public void ScopeDisposesTemporaries()
    {
        var baseline = LiveTensors.Settled();
        Tensor kept;
        using (new TensorScope())
        {
            using var x = Tensors.Ones(3);
            var y = x * 2;
            var z = y + 1;
            kept = z.MoveToOuterScope();
        }
        Assert.Equal(baseline + 1, TorchRuntime.LiveTensorCount);
        Assert.Equal(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(baseline, TorchRuntime.LiveTensorCount);
    }
}
