using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class DistLossTests
{
    [Fact]
    public void MatchesTheFormulaByHand()
    {
        using var scope = new TensorScope();
        var s = new double[] { 1.0, -0.5, 2.0, 0.7, 0.3, 0.0, -1.2, 0.4, 2.5, -0.3, 0.8, 0.1 };
        var t = new double[] { 0.2, 1.5, -0.7, 0.0, 2.2, -0.4, 0.9, 1.1, 0.5, 0.5, -1.0, 3.0 };
        const double tau = 2.0, beta = 1.5, gamma = 0.5;
        var ps = ReferenceFormulas.Rows(s, 4).Select(r => ReferenceFormulas.Softmax(r, tau)).ToArray();
        var pt = ReferenceFormulas.Rows(t, 4).Select(r => ReferenceFormulas.Softmax(r, tau)).ToArray();
        var inter = Enumerable.Range(0, 3).Average(i => 1 - ReferenceFormulas.Pearson(ps[i], pt[i]));
        var intra = Enumerable.Range(0, 4).Average(j =>
            1 - ReferenceFormulas.Pearson(ps.Select(r => r[j]).ToArray(), pt.Select(r => r[j]).ToArray()));
        using var terms = DistLoss.Compute(Tensor.FromArray(s, 3, 4), Tensor.FromArray(t, 3, 4), beta, gamma, tau);
        Assert.Equal(tau * tau * beta * inter, Value(terms.Inter), 12);
        Assert.Equal(tau * tau * gamma * intra, Value(terms.Intra), 12);
        Assert.Equal(tau * tau * (beta * inter + gamma * intra), Value(terms.Total), 12);
    }

    [Fact]
    public void OnASingleSampleBatchTheIntraClassTermContributesZero()
    {
        // A class's column over one sample is constant: its correlation is undefined, so the term is 0
        // (docs/training.md, "Small last batches") while the inter-class term still teaches.
        using var scope = new TensorScope();
        var one = Randn(1, 1, 5);
        using var both = DistLoss.Compute(one, Randn(2, 1, 5), 2.0, 2.0, 4.0);
        Assert.Equal(0.0, Value(both.Intra));
        Assert.True(Value(both.Inter) > 0);
        Assert.Equal(Value(both.Inter), Value(both.Total));
        // Called directly, the intra-class term still refuses what it cannot compute.
        var e = Assert.Throws<ArgumentException>(() => DistLoss.IntraClass(F.Softmax(one, 1), F.Softmax(one, 1)));
        Assert.Contains("at least 2", e.Message);
    }

    [Fact]
    public void PearsonIsInvariantToPositiveScaleAndShiftAndZeroOnConstantRows()
    {
        using var scope = new TensorScope();
        var a = Randn(3, 4, 6);
        var b = a * 3.0 + 2.0;
        Assert.All(Values(PearsonCorrelation.Rows(a, b)), r => Assert.Equal(1.0, r, 7));
        var constant = Tensors.Ones(new long[] { 4, 6 }, DType.Float64);
        Assert.All(Values(PearsonCorrelation.Rows(constant, a)), r => Assert.Equal(0.0, r));
    }

    [Fact]
    public void IdenticalStudentAndTeacherGiveNearZeroAndGradientMatchesFiniteDifferences()
    {
        using var scope = new TensorScope();
        var logits = Randn(4, 5, 6, 2.0);
        using (var same = DistLoss.Compute(logits, logits, 2.0, 2.0, 4.0))
            Assert.True(Math.Abs(Value(same.Total)) < 1e-3); // not exactly 0: DIST adds eps 1e-8 to the norm product
        var teacher = Randn(5, 5, 6, 2.0);
        Tensor Loss(Tensor s) => DistLoss.Compute(s, teacher, 2, 2, 4).Total;
        AssertClose(FiniteDifferenceGradient(logits, Loss), AutogradGradient(logits, Loss), 1e-6, "∂DIST/∂student");
    }
}
