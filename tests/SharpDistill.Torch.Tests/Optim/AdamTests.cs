using SharpDistill.Torch.Optim;

namespace SharpDistill.Torch.Tests.Optim;

public class AdamTests
{
    private const double Lr = 0.1, B1 = 0.9, B2 = 0.999, Eps = 1e-8;

    private static double[] Run(Optimizer optimizer, Tensor p, params double[] grads)
    {
        var values = new List<double>();
        foreach (var g in grads)
        {
            using var grad = Tensor.FromArray(new[] { g });
            p.Grad = grad;
            optimizer.Step();
            values.Add(p.ToArray<double>()[0]);
        }
        return values.ToArray();
    }

    [Fact]
    public void AdamFirstTwoStepsByHand()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var adam = new Adam(new[] { p }, new AdamOptions { LearningRate = Lr });
        var actual = Run(adam, p, 1.0, 2.0);

        // Step 1, g = 1: m = 0.1, v = 0.001; bias corrections 0.1 and 0.001 make m̂ = 1, √v̂ = 1.
        var m1 = (1 - B1) * 1.0;
        var v1 = (1 - B2) * 1.0;
        var p1 = 1.0 - Lr / (1 - B1) * m1 / (Math.Sqrt(v1) / Math.Sqrt(1 - B2) + Eps);
        Assert.Equal(1.0 - 0.1 / (1 + 1e-8), p1, 15);
        // Step 2, g = 2: m = 0.09 + 0.2 = 0.29, v = 0.000999 + 0.004 = 0.004999.
        var m2 = B1 * m1 + (1 - B1) * 2.0;
        var v2 = B2 * v1 + (1 - B2) * 4.0;
        Assert.Equal(0.29, m2, 15);
        Assert.Equal(0.004999, v2, 15);
        var p2 = p1 - Lr / (1 - B1 * B1) * m2 / (Math.Sqrt(v2) / Math.Sqrt(1 - B2 * B2) + Eps);

        Assert.Equal(p1, actual[0], 12);
        Assert.Equal(p2, actual[1], 12);
        Assert.Equal(2, adam.State(0).Step);
        Assert.Equal(m2, adam.State(0).Get("exp_avg")!.ToArray<double>()[0], 15);
        Assert.Equal(v2, adam.State(0).Get("exp_avg_sq")!.ToArray<double>()[0], 15);
        Assert.Null(adam.State(0).Get("max_exp_avg_sq"));
    }

    [Fact]
    public void AdamWeightDecayIsAddedToTheGradient()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var adam = new Adam(new[] { p }, new AdamOptions { LearningRate = Lr, WeightDecay = 0.5 });
        var actual = Run(adam, p, 1.0, 2.0);

        var g1 = 1.0 + 0.5 * 1.0;
        var (m1, v1) = ((1 - B1) * g1, (1 - B2) * g1 * g1);
        var p1 = 1.0 - Lr / (1 - B1) * m1 / (Math.Sqrt(v1) / Math.Sqrt(1 - B2) + Eps);
        var g2 = 2.0 + 0.5 * p1;
        var (m2, v2) = (B1 * m1 + (1 - B1) * g2, B2 * v1 + (1 - B2) * g2 * g2);
        var p2 = p1 - Lr / (1 - B1 * B1) * m2 / (Math.Sqrt(v2) / Math.Sqrt(1 - B2 * B2) + Eps);
        Assert.Equal(p1, actual[0], 12);
        Assert.Equal(p2, actual[1], 12);
    }

    [Fact]
    public void AdamWDecaysTheParameterDirectly()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var adamw = new AdamW(new[] { p }, AdamOptions.ForAdamW(Lr, weightDecay: 0.5));
        Assert.Equal("AdamW", adamw.Name);
        var actual = Run(adamw, p, 1.0, 2.0);

        // p ← p·(1 − lr·wd), then the plain Adam step with the undecayed gradient.
        var (m1, v1) = ((1 - B1) * 1.0, (1 - B2) * 1.0);
        var p1 = 1.0 * (1 - Lr * 0.5) - Lr / (1 - B1) * m1 / (Math.Sqrt(v1) / Math.Sqrt(1 - B2) + Eps);
        var (m2, v2) = (B1 * m1 + (1 - B1) * 2.0, B2 * v1 + (1 - B2) * 4.0);
        var p2 = p1 * (1 - Lr * 0.5) - Lr / (1 - B1 * B1) * m2 / (Math.Sqrt(v2) / Math.Sqrt(1 - B2 * B2) + Eps);
        Assert.Equal(p1, actual[0], 12);
        Assert.Equal(p2, actual[1], 12);
        Assert.Equal(0.01, AdamOptions.ForAdamW().WeightDecay);
        using var q = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var defaults = new AdamW(new[] { q });
        Assert.Equal(0.01, defaults.Groups[0].Options.WeightDecay);
    }

    [Fact]
    public void AmsgradUsesTheRunningMaximumOfTheSecondMoment()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        using var adam = new Adam(new[] { p }, new AdamOptions { LearningRate = Lr, Amsgrad = true });
        // g = 10 then 0: v falls from 0.1 to 0.0999, the maximum stays 0.1.
        var actual = Run(adam, p, 10.0, 0.0);
        var (m1, v1) = ((1 - B1) * 10.0, (1 - B2) * 100.0);
        var p1 = 1.0 - Lr / (1 - B1) * m1 / (Math.Sqrt(v1) / Math.Sqrt(1 - B2) + Eps);
        var (m2, v2) = (B1 * m1, B2 * v1);
        var max = Math.Max(v1, v2);
        Assert.Equal(0.1, max, 15);
        var p2 = p1 - Lr / (1 - B1 * B1) * m2 / (Math.Sqrt(max) / Math.Sqrt(1 - B2 * B2) + Eps);
        Assert.Equal(p1, actual[0], 12);
        Assert.Equal(p2, actual[1], 12);
        Assert.Equal(0.1, adam.State(0).Get("max_exp_avg_sq")!.ToArray<double>()[0], 15);
    }

    [Fact]
    public void RejectsInvalidOptions()
    {
        using var p = Tensor.FromArray(new[] { 1.0 }).RequiresGrad_();
        Assert.Contains("beta parameter at index 0", Assert.Throws<ArgumentException>(() => new Adam(new[] { p }, new AdamOptions { Beta1 = 1 })).Message);
        Assert.Contains("beta parameter at index 1", Assert.Throws<ArgumentException>(() => new Adam(new[] { p }, new AdamOptions { Beta2 = -0.1 })).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentException>(() => new Adam(new[] { p }, new AdamOptions { Eps = -1 })).Message);
        Assert.Equal(1e-3, new AdamOptions().LearningRate);
    }
}
