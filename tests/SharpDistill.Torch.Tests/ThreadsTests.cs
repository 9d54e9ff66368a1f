namespace SharpDistill.Torch.Tests;

public class ThreadsTests
{
    [Fact]
    public void ThreadCountCanBeReadAndSet()
    {
        var original = TorchRuntime.Threads;
        Assert.True(original >= 1);
        try
        {
            TorchRuntime.Threads = 1;
            Assert.Equal(1, TorchRuntime.Threads);
            TorchRuntime.Threads = 2;
            Assert.Equal(2, TorchRuntime.Threads);
        }
        finally
        {
            TorchRuntime.Threads = original;
        }
        Assert.Equal(original, TorchRuntime.Threads);
    }

    [Fact]
    public void AThreadCountBelowOneIsRefused()
    {
        var original = TorchRuntime.Threads;
        var e = Assert.Throws<TorchArgumentException>(() => TorchRuntime.Threads = 0);
        Assert.Contains("at least 1", e.Message);
        Assert.Equal(original, TorchRuntime.Threads);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        using var scope = new TensorScope();
        var original = TorchRuntime.Threads;
        using var g = new Generator(8);
        var a = Tensors.Randn(new long[] { 64, 96 }, g, DType.Float64);
        var b = Tensors.Randn(new long[] { 96, 32 }, g, DType.Float64);
        try
        {
            TorchRuntime.Threads = 1;
            var single = a.MatMul(b);
            TorchRuntime.Threads = 2;
            Assert.True(single.AllClose(a.MatMul(b), 1e-12, 1e-12));
        }
        finally
        {
            TorchRuntime.Threads = original;
        }
    }
}
