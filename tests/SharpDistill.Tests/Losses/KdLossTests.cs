using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class KdLossTests
{
    private static readonly double[] StudentData = { 1.0, -0.5, 2.0, 0.3, 0.0, -1.2 };
    private static readonly double[] TeacherData = { 0.2, 1.5, -0.7, 2.2, -0.4, 0.9 };

    [Theory]
    [InlineData(4.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void MatchesTheFormulaByHand(double temperature)
    {
        using var scope = new TensorScope();
        var student = Tensor.FromArray(StudentData, 2, 3);
        var teacher = Tensor.FromArray(TeacherData, 2, 3);
        var s = ReferenceFormulas.Rows(StudentData, 3);
        var t = ReferenceFormulas.Rows(TeacherData, 3);
        var perSample = new[] { ReferenceFormulas.KdSample(s[0], t[0], temperature), ReferenceFormulas.KdSample(s[1], t[1], temperature) };
        AssertClose(perSample, Values(KdLoss.PerSample(student, teacher, temperature)), 1e-13, "KD_T per sample");
        Assert.Equal(perSample.Average(), Value(KdLoss.Compute(student, teacher, temperature)), 13);
    }

    [Fact]
    public void IdenticalStudentAndTeacherGiveZeroLossAndZeroGradient()
    {
        using var scope = new TensorScope();
        var logits = Randn(1, 8, 10, 3.0);
        var student = logits.Clone().RequiresGrad_();
        var loss = KdLoss.Compute(student, logits, 4.0);
        Assert.Equal(0.0, Value(loss), 14);
        var grad = Autograd.Grad(new[] { loss }, new[] { student })[0]!;
        Assert.All(Values(grad), g => Assert.Equal(0.0, g, 14));
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        using var scope = new TensorScope();
        var student = Randn(2, 4, 5, 2.0);
        var teacher = Randn(3, 4, 5, 2.0);
        Tensor Loss(Tensor s) => KdLoss.Compute(s, teacher, 2.0);
        AssertClose(FiniteDifferenceGradient(student, Loss), AutogradGradient(student, Loss), 1e-7, "∂KD/∂student");
    }

    [Fact]
    public void TeacherProbabilityThatUnderflowsContributesZero()
    {
        // exp(−5000) is 0 in float64: 0·log 0 must count as 0 (PyTorch's kl_div), not NaN.
        using var scope = new TensorScope();
        var student = Tensor.FromArray(new double[] { 0.5, 0.1, -0.3 }, 1, 3);
        var teacher = Tensor.FromArray(new double[] { 1.0, -5000.0, 0.0 }, 1, 3);
        var loss = Value(KdLoss.Compute(student, teacher, 1.0));
        Assert.True(double.IsFinite(loss));
        var expected = ReferenceFormulas.KdSample(new[] { 0.5, 0.1, -0.3 }, new[] { 1.0, -5000.0, 0.0 }, 1.0);
        Assert.Equal(expected, loss, 13);
    }

    [Fact]
    public void SingleSampleBatch()
    {
        using var scope = new TensorScope();
        var student = Tensor.FromArray(new double[] { 1, 2, 3 }, 1, 3);
        var teacher = Tensor.FromArray(new double[] { 3, 2, 1 }, 1, 3);
        Assert.Equal(ReferenceFormulas.KdSample(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }, 4), Value(KdLoss.Compute(student, teacher, 4.0)), 13);
    }

    [Fact]
    public void RejectsBadArgumentsWithClearMessages()
    {
        using var scope = new TensorScope();
        var a = Tensors.Zeros(new long[] { 2, 3 }, DType.Float64);
        var b = Tensors.Zeros(new long[] { 2, 4 }, DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => KdLoss.Compute(a, b, 4.0));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.Contains("KD", e.Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => KdLoss.Compute(a, a, 0)).Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => KdLoss.Compute(a, a, -1)).Message);
        var flat = Tensors.Zeros(new long[] { 6 }, DType.Float64);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => KdLoss.Compute(flat, flat, 4.0)).Message);
        var empty = Tensors.Zeros(new long[] { 0, 3 }, DType.Float64);
        Assert.Contains("batch size", Assert.Throws<ArgumentException>(() => KdLoss.Compute(empty, empty, 4.0)).Message);
    }
}
