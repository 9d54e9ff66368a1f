using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.NN;

/// <summary>
/// Synchronised batch norm within one process (a process group of one rank). Two processes:
/// tests/SharpDistill.Tests/Distributed/SyncBatchNormMultiProcessTests.
/// </summary>
public class SyncBatchNormTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static ProcessGroup OneRank() => ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout);

    private static Sequential Network() => new(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new Conv2d(4, 2, 1), new BatchNorm2d(2));

    [Fact]
    public void WithOneRankConvertedLayersBehaveExactlyLikeBatchNorm2dAndKeepTheirNames()
    {
        using var group = OneRank();
        using var scope = new TensorScope();
        using var plain = Network();
        using var synced = Network();
        synced.LoadStateDict(plain.StateDict());
        Assert.Equal(2, SyncBatchNorm.Convert(synced, group));
        Assert.All(synced.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>(), bn => Assert.Same(group, bn.SyncGroup));
        Assert.Equal(plain.StateDict().Keys, synced.StateDict().Keys);

        using var generator = new Generator(7);
        var x = Tensors.Randn([5, 3, 6, 6], generator);
        for (var step = 0; step < 2; step++)
        {
            var a = plain.Forward(x);
            var b = synced.Forward(x);
            Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
            (a * a).Sum().Backward();
            (b * b).Sum().Backward();
        }
        var plainState = plain.StateDict();
        foreach (var (name, tensor) in synced.StateDict())
            Assert.Equal(plainState[name].To(DType.Float64).ToArray<double>(), tensor.To(DType.Float64).ToArray<double>());
        var plainParameters = plain.NamedParameters().ToDictionary(p => p.Key, p => p.Value);
        foreach (var (name, parameter) in synced.NamedParameters())
            Assert.Equal(plainParameters[name].Grad!.ToArray<float>(), parameter.Grad!.ToArray<float>());

        // A state dict written from the synchronised network loads into a plain one and back.
        plain.LoadStateDict(synced.StateDict());
        synced.LoadStateDict(plain.StateDict());
        Assert.Equal(2, SyncBatchNorm.Convert(synced, null));
        Assert.All(synced.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>(), bn => Assert.Null(bn.SyncGroup));
    }

    [Theory]
    [InlineData(MemoryFormat.Contiguous)]
    [InlineData(MemoryFormat.ChannelsLast)]
    public void TheSynchronisedPathMatchesBatchNormInFloat64(MemoryFormat format) => CompareWithBatchNorm(format, Device.Cpu);

    /// <summary>CUDA's batch-norm kernels have their own argument rules (e.g. the statistics they save).</summary>
    [CudaFact]
    public void TheSynchronisedPathMatchesBatchNormOnCuda() => CompareWithBatchNorm(MemoryFormat.Contiguous, Device.Cuda);

    private static void CompareWithBatchNorm(MemoryFormat format, Device device)
    {
        using var group = OneRank();
        using var scope = new TensorScope();
        using var generator = new Generator(3);
        var input = (Tensors.Randn([3, 4, 5, 5], generator, DType.Float64) * 3 + 2).Detach().ToMemoryFormat(format).To(device);
        var upstream = Tensors.Randn([3, 4, 5, 5], generator, DType.Float64).To(device);
        (Tensor Out, Tensor InputGrad, Tensor WeightGrad, Tensor BiasGrad, Tensor Mean, Tensor Var) Run(bool composed)
        {
            var x = input.Clone();
            x.RequiresGrad = true;
            var weight = Tensor.FromArray(new[] { 1.5, -0.5, 2.0, 0.25 }).To(device);
            var bias = Tensor.FromArray(new[] { 0.1, 0.2, -0.3, 0.0 }).To(device);
            weight.RequiresGrad = true;
            bias.RequiresGrad = true;
            var mean = Tensors.Zeros([4], DType.Float64).To(device);
            var variance = Tensors.Ones([4], DType.Float64).To(device);
            var y = composed
                ? SyncBatchNorm.Normalize(group, x, mean, variance, weight, bias, momentum: 0.3, eps: 1e-5)
                : F.BatchNorm(x, mean, variance, weight, bias, training: true, momentum: 0.3, eps: 1e-5);
            (y * upstream).Sum().Backward();
            return (y, x.Grad!, weight.Grad!, bias.Grad!, mean, variance);
        }
        var reference = Run(composed: false);
        var synced = Run(composed: true);
        AssertClose(reference.Out, synced.Out, "output");
        AssertClose(reference.InputGrad, synced.InputGrad, "input gradient");
        AssertClose(reference.WeightGrad, synced.WeightGrad, "weight gradient");
        AssertClose(reference.BiasGrad, synced.BiasGrad, "bias gradient");
        AssertClose(reference.Mean, synced.Mean, "running mean");
        AssertClose(reference.Var, synced.Var, "running variance (unbiased)");
    }

    [Fact]
    public void Bfloat16InputsAreNormalisedInFloat32AndGetTheirGradient()
    {
        using var group = OneRank();
        using var scope = new TensorScope();
        using var generator = new Generator(5);
        var x = Tensors.Randn([4, 3, 4, 4], generator).To(DType.BFloat16).Detach();
        x.RequiresGrad = true;
        var y = SyncBatchNorm.Normalize(group, x, null, null);
        Assert.Equal(DType.BFloat16, y.DType);
        var reference = F.BatchNorm(x.To(DType.Float32), null, null, training: true);
        var error = (y.To(DType.Float32) - reference).Abs().Max().ToDouble();
        Assert.True(error < 0.05, $"bfloat16 output differs by {error}");
        y.To(DType.Float32).Sum().Backward();
        Assert.Equal(DType.BFloat16, x.Grad!.DType);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var e = expected.Detach().To(Device.Cpu).ToArray<double>();
        var a = actual.Detach().To(Device.Cpu).ToArray<double>();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-12 * Math.Max(1, Math.Abs(e[i])), $"{what}[{i}]: {a[i]} instead of {e[i]}");
    }

    [Fact]
    public void BadInputsAreReadableErrors()
    {
        using var group = OneRank();
        using var scope = new TensorScope();
        var single = Tensors.Ones([1, 2, 1, 1]);
        Assert.Contains("more than one value per channel",
            Assert.Throws<TorchArgumentException>(() => SyncBatchNorm.Normalize(group, single, null, null)).Message);
        Assert.Contains("at least 2 dimensions",
            Assert.Throws<TorchArgumentException>(() => SyncBatchNorm.Normalize(group, Tensors.Ones([4]), null, null)).Message);
        Assert.Contains("weight must have one value per channel (2)",
            Assert.Throws<TorchArgumentException>(() => SyncBatchNorm.Normalize(group, Tensors.Ones([3, 2, 2, 2]), null, null, weight: Tensors.Ones([3]))).Message);
    }
}
