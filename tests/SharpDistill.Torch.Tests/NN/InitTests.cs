using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.NN;

public class InitTests
{
    private static (double Mean, double Std, double MaxAbs) Moments(Tensor t)
    {
        var v = t.To(DType.Float64);
        var values = v.ToArray<double>();
        v.Dispose();
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (values.Length - 1));
        return (mean, std, values.Max(Math.Abs));
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        using var conv = Tensors.Empty(new long[] { 8, 4, 3, 5 });
        Assert.Equal((4L * 15, 8L * 15), Init.Fans(conv));
        using var linear = Tensors.Empty(new long[] { 10, 20 });
        Assert.Equal((20L, 10L), Init.Fans(linear));
        using var vector = Tensors.Empty(new long[] { 3 });
        Assert.Throws<TorchArgumentException>(() => Init.Fans(vector));
    }

    [Fact]
    public void GainsFollowPyTorch()
    {
        Assert.Equal(Math.Sqrt(2), Init.Gain("relu"), 12);
        Assert.Equal(1.0, Init.Gain("linear"));
        Assert.Equal(5.0 / 3, Init.Gain("tanh"), 12);
        Assert.Equal(Math.Sqrt(2 / (1 + 0.01 * 0.01)), Init.Gain("leaky_relu"), 12);
        Assert.Equal(Math.Sqrt(2 / 1.04), Init.Gain("leaky_relu", 0.2), 12);
        Assert.Throws<ArgumentException>(() => Init.Gain("swish"));
    }

    [Fact]
    public void KaimingNormalFanOutHasTheRightSpread()
    {
        using var g = new Generator(7);
        using var w = Tensors.Empty(new long[] { 64, 32, 3, 3 });
        Init.KaimingNormal_(w, Init.FanMode.FanOut, "relu", generator: g);
        var (mean, std, _) = Moments(w);
        var expected = Math.Sqrt(2.0 / (64 * 9)); // fan_out = out_channels · k · k
        // n = 18 432 samples: the std estimate is within ~0.5 % (1σ) and the mean within 4σ/√n.
        Assert.InRange(std / expected, 0.97, 1.03);
        Assert.InRange(Math.Abs(mean), 0, 4 * expected / Math.Sqrt(w.NumEl));
        // fan_in differs by the channel ratio: 2× larger spread here.
        Init.KaimingNormal_(w, Init.FanMode.FanIn, "relu", generator: g);
        Assert.InRange(Moments(w).Std / Math.Sqrt(2.0 / (32 * 9)), 0.97, 1.03);
        Assert.False(w.RequiresGrad);
    }

    [Fact]
    public void KaimingUniformBound()
    {
        using var w = Tensors.Empty(new long[] { 50, 200 });
        Init.KaimingUniform_(w, nonlinearity: "relu");
        var bound = Math.Sqrt(2) * Math.Sqrt(3.0 / 200);
        var (_, std, maxAbs) = Moments(w);
        Assert.InRange(maxAbs, 0.98 * bound, bound);
        Assert.InRange(std / (bound / Math.Sqrt(3)), 0.96, 1.04);
    }

    [Fact]
    public void DefaultLinearAndConvInitAreUniformWithinOneOverRootFanIn()
    {
        using var linear = new Linear(100, 60);
        var bound = 1 / Math.Sqrt(100);
        var (_, std, maxAbs) = Moments(linear.Weight);
        Assert.InRange(maxAbs, 0.98 * bound, bound);
        Assert.InRange(std / (bound / Math.Sqrt(3)), 0.95, 1.05); // U(−b, b) has std b/√3
        Assert.InRange(Moments(linear.Bias!).MaxAbs, 0.5 * bound, bound);

        using var conv = new Conv2d(4, 64, 3);
        var convBound = 1 / Math.Sqrt(4 * 9);
        var conv1 = Moments(conv.Weight);
        Assert.InRange(conv1.MaxAbs, 0.98 * convBound, convBound);
        Assert.InRange(conv1.Std / (convBound / Math.Sqrt(3)), 0.95, 1.05);
        Assert.InRange(Moments(conv.Bias!).MaxAbs, 0.5 * convBound, convBound);
    }

    [Fact]
    public void NormalConstantZerosOnesAndSeeding()
    {
        using var a = Tensors.Empty(new long[] { 20000 });
        using var g = new Generator(3);
        Init.Normal_(a, 2, 0.5, g);
        var (mean, std, _) = Moments(a);
        Assert.InRange(mean, 2 - 4 * 0.5 / Math.Sqrt(20000), 2 + 4 * 0.5 / Math.Sqrt(20000));
        Assert.InRange(std, 0.48, 0.52);

        using var b = Tensors.Empty(new long[] { 20000 });
        g.ManualSeed(3);
        Init.Normal_(b, 2, 0.5, g);
        Assert.True(a.Equal(b), "the same seed gives the same samples");

        Init.Constant_(a, 0.25);
        Assert.All(a.ToArray<float>(), v => Assert.Equal(0.25f, v));
        Init.Zeros_(a);
        Assert.All(a.ToArray<float>(), v => Assert.Equal(0f, v));
        Init.Ones_(a);
        Assert.All(a.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void InitialisersWorkOnParametersThatRequireGrad()
    {
        using var linear = new Linear(3, 3);
        Init.Constant_(linear.Weight, 1);
        Init.Zeros_(linear.Bias!);
        Assert.True(linear.Weight.RequiresGrad);
        Assert.True(linear.Weight.IsLeaf);
        Assert.All(linear.Weight.ToArray<float>(), v => Assert.Equal(1f, v));
    }
}
