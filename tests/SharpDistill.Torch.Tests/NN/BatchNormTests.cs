using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.NN;

public class BatchNormTests
{
    // x: [N=2, C=2, H=1, W=2]; channel c of sample n holds x[n, c, 0, :].
    private static readonly float[] Input = { 1, 2, /* n0 c1 */ 0, 0, /* n1 c0 */ 3, 4, /* n1 c1 */ 2, 6 };
    private static readonly double[] Gamma = { 2.0, 0.5 };
    private static readonly double[] Beta = { 0.1, -1.0 };
    private const double Eps = 1e-5;

    private static double[] Channel(int c) => new double[] { Input[c * 2], Input[c * 2 + 1], Input[4 + c * 2], Input[4 + c * 2 + 1] };

    private static (double Mean, double BiasedVar, double UnbiasedVar) Stats(double[] v)
    {
        var mean = v.Average();
        var ss = v.Sum(x => (x - mean) * (x - mean));
        return (mean, ss / v.Length, ss / (v.Length - 1));
    }

    private static BatchNorm2d Create()
    {
        var bn = new BatchNorm2d(2);
        using var g = Tensor.FromArray(Gamma.Select(x => (float)x).ToArray());
        using var b = Tensor.FromArray(Beta.Select(x => (float)x).ToArray());
        using var noGrad = Autograd.NoGrad();
        bn.Weight!.Copy_(g);
        bn.Bias!.Copy_(b);
        return bn;
    }

    [Fact]
    public void TrainingModeNormalisesWithBatchStatisticsAndUpdatesRunningStatistics()
    {
        using var scope = new TensorScope();
        using var bn = Create();
        var x = Tensor.FromArray(Input, 2, 2, 1, 2);
        var y1 = bn.Forward(x).ToArray<float>();
        bn.Forward(x);

        for (var c = 0; c < 2; c++)
        {
            var (mean, biased, unbiased) = Stats(Channel(c));
            // Output uses the biased batch variance.
            var expected = Channel(c).Select(v => (v - mean) / Math.Sqrt(biased + Eps) * Gamma[c] + Beta[c]).ToArray();
            var actual = new double[] { y1[c * 2], y1[c * 2 + 1], y1[4 + c * 2], y1[4 + c * 2 + 1] };
            for (var i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
            // Two updates with momentum 0.1 from (0, 1), using the unbiased variance.
            var runningMean = 0.9 * (0.9 * 0 + 0.1 * mean) + 0.1 * mean;
            var runningVar = 0.9 * (0.9 * 1 + 0.1 * unbiased) + 0.1 * unbiased;
            Assert.Equal(runningMean, bn.RunningMean.ToArray<float>()[c], 5);
            Assert.Equal(runningVar, bn.RunningVar.ToArray<float>()[c], 5);
        }
        Assert.Empty(bn.NumBatchesTracked.Shape);
        Assert.Equal(2L, bn.NumBatchesTracked.ToInt64());
    }

    [Fact]
    public void InferenceModeInTrainingModeStillUpdatesStatisticsAndCount()
    {
        using var scope = new TensorScope();
        using var bn = Create();
        var x = Tensor.FromArray(Input, 2, 2, 1, 2);
        using (Autograd.InferenceMode()) bn.Forward(x).Dispose();
        Assert.Equal(0.1 * Stats(Channel(0)).Mean, bn.RunningMean.ToArray<float>()[0], 5);
        Assert.Equal(1L, bn.NumBatchesTracked.ToInt64());
    }

    [Fact]
    public void EvalModeUsesRunningStatisticsAndLeavesThemAlone()
    {
        using var scope = new TensorScope();
        using var bn = Create();
        var x = Tensor.FromArray(Input, 2, 2, 1, 2);
        bn.Forward(x);
        var runningMean = bn.RunningMean.ToArray<float>();
        var runningVar = bn.RunningVar.ToArray<float>();
        bn.Eval();
        var y = bn.Forward(x).ToArray<float>();
        for (var c = 0; c < 2; c++)
        {
            var channel = Channel(c);
            var expected = channel.Select(v => (v - runningMean[c]) / Math.Sqrt(runningVar[c] + Eps) * Gamma[c] + Beta[c]).ToArray();
            var actual = new double[] { y[c * 2], y[c * 2 + 1], y[4 + c * 2], y[4 + c * 2 + 1] };
            for (var i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
        }
        Assert.Equal(runningMean, bn.RunningMean.ToArray<float>());
        Assert.Equal(runningVar, bn.RunningVar.ToArray<float>());
        Assert.Equal(1L, bn.NumBatchesTracked.ToInt64());
    }

    [Fact]
    public void GradientsReachGammaAndBetaButNotTheBuffers()
    {
        using var scope = new TensorScope();
        using var bn = Create();
        var x = Tensor.FromArray(Input, 2, 2, 1, 2);
        bn.Forward(x).Sum().Backward();
        // d(sum y)/dβ = number of elements per channel; d/dγ = Σ x̂ = 0.
        Assert.Equal(new float[] { 4, 4 }, bn.Bias!.Grad!.ToArray<float>());
        Assert.All(bn.Weight!.Grad!.ToArray<float>(), g => Assert.Equal(0f, g, 5));
        Assert.False(bn.RunningMean.RequiresGrad);
    }

    [Fact]
    public void WithoutAffineHasNoParameters()
    {
        using var bn = new BatchNorm2d(3, affine: false);
        Assert.Empty(bn.Parameters());
        Assert.Equal(3, bn.Buffers().Count());
    }

    [Fact]
    public void BadInputsGiveReadableErrors()
    {
        using var scope = new TensorScope();
        using var bn = new BatchNorm2d(2);
        var e = Assert.Throws<TorchArgumentException>(() => bn.Forward(Tensors.Zeros(2, 2)));
        Assert.Contains("4-D", e.Message);
        Assert.ThrowsAny<TorchException>(() => bn.Forward(Tensors.Zeros(2, 3, 2, 2)));
    }
}
