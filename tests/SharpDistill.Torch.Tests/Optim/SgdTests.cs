using SharpDistill.Torch.Optim;

namespace SharpDistill.Torch.Tests.Optim;

public class SgdTests
{
    // Three steps on p0 = [1, −2] with gradients [1, 0.5], [2, −1], [3, 0] and lr 0.1.
    private static readonly double[][] Grads = { new[] { 1.0, 0.5 }, new[] { 2.0, -1.0 }, new[] { 3.0, 0.0 } };

    /// <summary>Runs three SGD steps on a float64 parameter and returns its values after each step.</summary>
    private static double[][] Run(SgdOptions options)
    {
        using var p = Tensor.FromArray(new[] { 1.0, -2.0 }).RequiresGrad_();
        using var sgd = new Sgd(new[] { p }, options);
        var after = new List<double[]>();
        foreach (var g in Grads)
        {
            using var grad = Tensor.FromArray(g);
            p.Grad = grad;
            sgd.Step();
            using var gradAfter = p.Grad!;
            Assert.Equal(g, gradAfter.ToArray<double>()); // the gradient itself is never modified
            after.Add(p.ToArray<double>());
        }
        return after.ToArray();
    }

    /// <summary>PyTorch's rule written out on doubles, one element at a time.</summary>
    private static double[] Reference(double p, double[] grads, double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        double? buf = null;
        var values = new List<double>();
        foreach (var g in grads)
        {
            var d = g + wd * p;
            if (momentum != 0)
            {
                buf = buf is null ? d : momentum * buf.Value + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf.Value : buf.Value;
            }
            p -= lr * d;
            values.Add(p);
        }
        return values.ToArray();
    }

    private static void AssertSteps(double[][] actual, double[] handElement0, double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        var reference1 = Reference(-2.0, Grads.Select(g => g[1]).ToArray(), lr, momentum, dampening, wd, nesterov);
        for (var s = 0; s < 3; s++)
        {
            Assert.Equal(handElement0[s], actual[s][0], 12);
            Assert.Equal(reference1[s], actual[s][1], 12);
        }
        // The hand-worked values agree with the written-out rule too.
        Assert.Equal(handElement0, Reference(1.0, Grads.Select(g => g[0]).ToArray(), lr, momentum, dampening, wd, nesterov).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void PlainSgd()
    {
        // p −= 0.1·g: 1 → 0.9 → 0.7 → 0.4
        AssertSteps(Run(new SgdOptions { LearningRate = 0.1 }), new[] { 0.9, 0.7, 0.4 }, 0.1, 0, 0, 0, false);
    }

    [Fact]
    public void Momentum()
    {
        // buf: 1 → 0.9·1 + 2 = 2.9 → 0.9·2.9 + 3 = 5.61;  p: 1 − 0.1 = 0.9 → 0.9 − 0.29 = 0.61 → 0.61 − 0.561 = 0.049
        AssertSteps(Run(new SgdOptions { LearningRate = 0.1, Momentum = 0.9 }), new[] { 0.9, 0.61, 0.049 }, 0.1, 0.9, 0, 0, false);
    }

    [Fact]
    public void DampeningIsNotAppliedOnTheFirstStep()
    {
        // buf: 1 (undampened) → 0.9 + 0.5·2 = 1.9 → 1.71 + 0.5·3 = 3.21;  p: 0.9 → 0.71 → 0.389
        AssertSteps(Run(new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Dampening = 0.5 }), new[] { 0.9, 0.71, 0.389 }, 0.1, 0.9, 0.5, 0, false);
    }

    [Fact]
    public void Nesterov()
    {
        // buf as plain momentum (1, 2.9, 5.61); d = g + 0.9·buf = 1.9, 4.61, 8.049;  p: 0.81 → 0.349 → −0.4559
        AssertSteps(Run(new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true }), new[] { 0.81, 0.349, -0.4559 }, 0.1, 0.9, 0, 0, true);
    }

    [Fact]
    public void CoupledWeightDecayEntersBeforeMomentum()
    {
        // d = g + 0.1·p: 1.1 → 2 + 0.089 = 2.089 → 3 + 0.05821 = 3.05821
        // buf: 1.1 → 0.99 + 2.089 = 3.079 → 2.7711 + 3.05821 = 5.82931;  p: 0.89 → 0.5821 → −0.000831
        AssertSteps(Run(new SgdOptions { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.1 }), new[] { 0.89, 0.5821, -0.000831 }, 0.1, 0.9, 0, 0.1, false);
    }

    [Fact]
    public void Float32ParametersFollowTheSameRule()
    {
        using var p = Tensor.FromArray(new[] { 1f }).RequiresGrad_();
        using var sgd = new Sgd(new[] { p }, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true });
        foreach (var g in new[] { 1f, 2f, 3f })
        {
            using var grad = Tensor.FromArray(new[] { g });
            p.Grad = grad;
            sgd.Step();
        }
        Assert.Equal(-0.4559f, p.ToArray<float>()[0], 5);
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAloneAndGetNoState()
    {
        using var a = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var b = Tensor.FromArray(new[] { 5.0 }).RequiresGrad_();
        using var sgd = new Sgd(new[] { a, b }, new SgdOptions { LearningRate = 0.5, Momentum = 0.9, WeightDecay = 0.1 });
        using (var g = Tensor.FromArray(new[] { 2.0 })) a.Grad = g;
        sgd.Step();
        Assert.Equal(5.0, b.ToArray<double>()[0]);
        Assert.True(sgd.State(1).IsEmpty);
        Assert.NotNull(sgd.State(0).Get("momentum_buffer"));
        sgd.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void StateOutlivesTheCallersScopeAndStepsDoNotLeak()
    {
        using var p = Tensor.FromArray(new[] { 1.0, 2.0 }).RequiresGrad_();
        using var sgd = new Sgd(new[] { p }, new SgdOptions { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 1e-4, Nesterov = true });
        var baseline = LiveTensors.Settled();
        for (var i = 0; i < 5; i++)
            using (new TensorScope())
            {
                var loss = (p * p).Sum();
                loss.Backward();
                sgd.Step();
                sgd.ZeroGrad();
            }
        // One momentum buffer is the only new tensor.
        Assert.Equal(baseline + 1, TorchRuntime.LiveTensorCount);
        Assert.False(sgd.State(0).Get("momentum_buffer")!.IsDisposed);
    }

    [Fact]
    public void RejectsInvalidOptionsAndParameterLists()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => new Sgd(new[] { p }, new SgdOptions { LearningRate = -1 })).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => new Sgd(new[] { p }, new SgdOptions { Momentum = -0.1 })).Message);
        Assert.Contains("weight_decay", Assert.Throws<ArgumentException>(() => new Sgd(new[] { p }, new SgdOptions { WeightDecay = -1 })).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd(new[] { p }, new SgdOptions { Nesterov = true })).Message);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() =>
            new Sgd(new[] { p }, new SgdOptions { Momentum = 0.9, Dampening = 0.1, Nesterov = true })).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Tensor>(), new SgdOptions())).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new Sgd(new[]
        {
            new ParamGroup<SgdOptions>(new[] { p }, new SgdOptions()), new ParamGroup<SgdOptions>(new[] { p }, new SgdOptions()),
        })).Message);
        using var scope = new TensorScope();
        var nonLeaf = p * 2;
        Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new Sgd(new[] { nonLeaf }, new SgdOptions())).Message);
    }
}
