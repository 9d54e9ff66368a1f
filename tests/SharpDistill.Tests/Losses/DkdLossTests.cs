using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class DkdLossTests
{
    [Theory]
    [InlineData(1.0, 8.0, 4.0)]
    [InlineData(0.5, 2.0, 1.0)]
    public void MatchesTheFormulaByHand(double alpha, double beta, double temperature)
    {
        using var scope = new TensorScope();
        var s = new double[] { 1.0, -0.5, 2.0, 0.7, 0.3, 0.0, -1.2, 0.4, 2.5, -0.3, 0.8, 0.1 };
        var t = new double[] { 0.2, 1.5, -0.7, 0.0, 2.2, -0.4, 0.9, 1.1, 0.5, 0.5, -1.0, 3.0 };
        long[] labels = { 1, 0, 3 };
        var terms = DkdLoss.Compute(Tensor.FromArray(s, 3, 4), Tensor.FromArray(t, 3, 4), Labels(labels), alpha, beta, temperature);
        var rs = ReferenceFormulas.Rows(s, 4);
        var rt = ReferenceFormulas.Rows(t, 4);
        var parts = Enumerable.Range(0, 3).Select(i => ReferenceFormulas.DkdSample(rs[i], rt[i], labels[i], temperature)).ToArray();
        var tckd = parts.Average(p => p.Tckd);
        var nckd = parts.Average(p => p.Nckd);
        Assert.Equal(tckd, Value(terms.Tckd), 12);
        Assert.Equal(nckd, Value(terms.Nckd), 12);
        Assert.Equal(alpha * tckd + beta * nckd, Value(terms.Total), 12);
    }

    [Fact]
    public void RejectsTwoClasses()
    {
        using var scope = new TensorScope();
        var logits = Randn(1, 4, 2);
        var e = Assert.Throws<ArgumentException>(() => DkdLoss.Compute(logits, logits, Labels(0, 1, 1, 0), 1.0, 8.0, 4.0));
        Assert.Contains("more than 2 classes", e.Message);
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("#60", e.Message);
    }

    [Fact]
    public void IdenticalStudentAndTeacherGiveZero()
    {
        using var scope = new TensorScope();
        var logits = Randn(2, 6, 10, 2.0);
        using var terms = DkdLoss.Compute(logits, logits, Labels(0, 1, 2, 3, 4, 5), 1.0, 8.0, 4.0);
        Assert.Equal(0.0, Value(terms.Total), 12);
    }

    [Fact]
    public void SingleSampleBatchAndGradient()
    {
        using var scope = new TensorScope();
        var student = Randn(3, 1, 5, 2.0);
        var teacher = Randn(4, 1, 5, 2.0);
        var target = Labels(3);
        Tensor Loss(Tensor s) => DkdLoss.Compute(s, teacher, target, 1.0, 8.0, 4.0).Total;
        AssertClose(FiniteDifferenceGradient(student, Loss), AutogradGradient(student, Loss), 1e-6, "∂DKD/∂student");
    }

    [Fact]
    public void RejectsLabelsOutOfRange()
    {
        using var scope = new TensorScope();
        var logits = Randn(1, 2, 4);
        var e = Assert.Throws<ArgumentException>(() => DkdLoss.Compute(logits, logits, Labels(0, 4), 1.0, 8.0, 4.0));
        Assert.Contains("[0, 4)", e.Message);
        Assert.Contains("DKD", e.Message);
    }
}
