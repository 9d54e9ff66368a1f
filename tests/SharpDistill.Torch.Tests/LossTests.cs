namespace SharpDistill.Torch.Tests;

public class LossTests
{
    // ---- kl_div: input holds log-probabilities log q, target holds p (or log p with logTarget) ----

    private static readonly double[] Q = { 0.25, 0.75, 0.5, 0.5 };
    private static readonly double[] P = { 0.5, 0.5, 1, 0 };

    /// <summary>p·(log p − log q), with 0·log 0 = 0.</summary>
    private static double[] Pointwise(double[] p, double[] q) =>
        p.Zip(q, (pi, qi) => pi == 0 ? 0 : pi * (Math.Log(pi) - Math.Log(qi))).ToArray();

    private static Tensor LogQ() => Tensor.FromArray(Q.Select(v => Math.Log(v)).ToArray(), 2, 2);

    [Fact]
    public void KlDivNoneIsPointwiseWithZeroTargetsContributingZero()
    {
        using var scope = new TensorScope();
        var loss = F.KlDiv(LogQ(), Tensor.FromArray(P, 2, 2), KlReduction.None, logTarget: false);
        Assert.Equal(new long[] { 2, 2 }, loss.Shape);
        Expect.Close(Pointwise(P, Q), loss, 1e-12);
        Assert.Equal(0.0, loss.ToArray<double>()[3]);
    }

    [Fact]
    public void KlDivReductionsSumMeanAndBatchMean()
    {
        using var scope = new TensorScope();
        var total = Pointwise(P, Q).Sum();
        var target = Tensor.FromArray(P, 2, 2);
        Expect.Close(total, F.KlDiv(LogQ(), target, KlReduction.Sum, false), 1e-12);
        Expect.Close(total / 4, F.KlDiv(LogQ(), target, KlReduction.Mean, false), 1e-12); // over all elements
        Expect.Close(total / 2, F.KlDiv(LogQ(), target, KlReduction.BatchMean, false), 1e-12); // over the batch
        Assert.Equal(0, F.KlDiv(LogQ(), target, KlReduction.BatchMean, false).Dim);
    }

    [Fact]
    public void KlDivWithLogTargetTakesLogProbabilities()
    {
        using var scope = new TensorScope();
        var p = new[] { 0.5, 0.5, 0.9, 0.1 };
        var logP = Tensor.FromArray(p.Select(v => Math.Log(v)).ToArray(), 2, 2);
        var expected = Pointwise(p, Q);
        Expect.Close(expected, F.KlDiv(LogQ(), logP, KlReduction.None, logTarget: true), 1e-12);
        Expect.Close(expected.Sum() / 2, F.KlDiv(LogQ(), logP, KlReduction.BatchMean, logTarget: true), 1e-12);
        Expect.Close(expected.Sum() / 4, F.KlDiv(LogQ(), logP, KlReduction.Mean, logTarget: true), 1e-12);
        Expect.Close(expected.Sum(), F.KlDiv(LogQ(), logP, KlReduction.Sum, logTarget: true), 1e-12);
        // and giving probabilities as log-probabilities is a different (wrong) number: the flag matters
        var misread = F.KlDiv(LogQ(), Tensor.FromArray(p, 2, 2), KlReduction.Sum, logTarget: true).ToDouble();
        Assert.True(Math.Abs(misread - expected.Sum()) > 0.1);
    }

    [Fact]
    public void KlDivOfADistributionWithItselfIsZero()
    {
        using var scope = new TensorScope();
        var logits = Tensor.FromArray(new double[] { 0.3, -1, 2, 0, 0, 0 }, 2, 3);
        var logP = F.LogSoftmax(logits, 1);
        Expect.Close(0, F.KlDiv(logP, F.Softmax(logits, 1), KlReduction.BatchMean, false), 1e-12);
        Expect.Close(0, F.KlDiv(logP, logP, KlReduction.BatchMean, true), 1e-12);
    }

    [Fact]
    public void KlDivBatchMeanNeedsABatchDimension()
    {
        using var scope = new TensorScope();
        var scalar = Tensor.FromScalar(-0.5);
        var e = Assert.Throws<TorchArgumentException>(() => F.KlDiv(scalar, scalar, KlReduction.BatchMean, true));
        Assert.Contains("batch dimension", e.Message);
    }

    // ---- cross_entropy with class-index targets ----

    private static readonly double[] Logits = { 1, 2, 3, 1, 1, 1 };
    private static double Lse(int row) => Math.Log(Enumerable.Range(0, 3).Sum(c => Math.Exp(Logits[row * 3 + c])));
    private static double Nll(int row, int target) => Lse(row) - Logits[row * 3 + target];

    [Fact]
    public void CrossEntropyIsLogSumExpMinusTheTargetLogit()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(Logits, 2, 3);
        var t = Tensor.FromArray(new long[] { 2, 0 });
        double l0 = Nll(0, 2), l1 = Nll(1, 0); // 0.4076…, log 3
        Expect.Close(Math.Log(3), l1, 1e-15);
        Expect.Close((l0 + l1) / 2, F.CrossEntropy(x, t), 1e-12);
        Expect.Close(l0 + l1, F.CrossEntropy(x, t, Reduction.Sum), 1e-12);
        Expect.Close(new[] { l0, l1 }, F.CrossEntropy(x, t, Reduction.None), 1e-12);
        Expect.Close((l0 + l1) / 2, F.NllLoss(F.LogSoftmax(x, 1), t), 1e-12);
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingMixesInTheUniformTarget()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(Logits, 2, 3);
        var t = Tensor.FromArray(new long[] { 2, 0 });
        const double eps = 0.1;
        // (1 − ε)·(−log p_target) + ε·mean over classes of (−log p_c)
        double Smoothed(int row, int target) =>
            (1 - eps) * Nll(row, target) + eps * Enumerable.Range(0, 3).Average(c => Nll(row, c));
        double s0 = Smoothed(0, 2), s1 = Smoothed(1, 0);
        Expect.Close((s0 + s1) / 2, F.CrossEntropy(x, t, labelSmoothing: eps), 1e-12);
        Expect.Close(new[] { s0, s1 }, F.CrossEntropy(x, t, Reduction.None, labelSmoothing: eps), 1e-12);
        Expect.Close(s0 + s1, F.CrossEntropy(x, t, Reduction.Sum, labelSmoothing: eps), 1e-12);
        // ignored samples drop out of both terms and of the mean's count
        Expect.Close(s0, F.CrossEntropy(x, Tensor.FromArray(new long[] { 2, -100 }), labelSmoothing: eps), 1e-12);
    }

    [Fact]
    public void CrossEntropyClassWeightsWeighTheMean()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(Logits, 2, 3);
        var t = Tensor.FromArray(new long[] { 2, 0 });
        var w = Tensor.FromArray(new double[] { 1, 2, 3 });
        Expect.Close((3 * Nll(0, 2) + 1 * Nll(1, 0)) / 4, F.CrossEntropy(x, t, weight: w), 1e-12);
        Expect.Close(Nll(1, 0), F.CrossEntropy(x, Tensor.FromArray(new long[] { 1, 0 }), ignoreIndex: 1), 1e-12);
    }

    [Fact]
    public void MseLoss()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new double[] { 1, 2 });
        var b = Tensor.FromArray(new double[] { 0, 4 });
        Expect.Close(2.5, F.MseLoss(a, b), 1e-12);
        Expect.Close(5, F.MseLoss(a, b, Reduction.Sum), 1e-12);
        Expect.Close(new double[] { 1, 4 }, F.MseLoss(a, b, Reduction.None), 1e-12);
    }
}
