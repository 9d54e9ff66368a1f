using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

/// <summary>The worked example of docs/methods/dcd.md ("A worked example": head outputs before normalisation, N = 3, feat_dim = 2).</summary>
public class DcdLossTests
{
    private static readonly double[] StudentRows = { 1, 0, 0.6, 0.8, -0.5, 0.5 };
    private static readonly double[] TeacherRows = { 0.9, 0.1, 0, 1, -1, 0.2 };

    private static DcdLossTerms Compute(double[] student, double[] teacher, double theta, double b, double alpha = 0.5) =>
        DcdLoss.Compute(Tensor.FromArray(student, 3, 2), Tensor.FromArray(teacher, 3, 2), Tensor.FromScalar(theta), Tensor.FromScalar(b), alpha, 10.0);

    [Theory]
    [InlineData(1.0, 0.0, 0.3956055447, 0.5885350780, 0.6898730837)]
    [InlineData(1.0, 3.0, 0.3956055447, 0.5885350780, 0.6898730837)] // b has no effect
    [InlineData(3.0, 0.0, 0.1754693372, 1.2225176946, 0.7867281845)] // exp(3) = 20.09 clamped to 10
    public void MatchesTheHandVectors(double theta, double b, double contrastive, double consistency, double total)
    {
        using var scope = new TensorScope();
        using var terms = Compute(StudentRows, TeacherRows, theta, b);
        // docs/methods/dcd.md prints 10 decimals: agree to within 1e-9.
        Assert.Equal(contrastive, Value(terms.Contrastive), 1e-9);
        Assert.Equal(consistency, Value(terms.Consistency), 1e-9);
        Assert.Equal(total, Value(terms.Total), 1e-9);
    }

    [Fact]
    public void ConsistencyVanishesForASymmetricLogitMatrix()
    {
        using var scope = new TensorScope();
        using var terms = Compute(TeacherRows, TeacherRows, 1.0, 0.0);
        Assert.Equal(0.1281659244, Value(terms.Contrastive), 1e-9);
        Assert.Equal(0.0, Value(terms.Consistency), 12);
    }

    [Fact]
    public void ThetaAndBiasGradients()
    {
        using var scope = new TensorScope();
        double[] Grads(double thetaValue)
        {
            var theta = Tensor.FromScalar(thetaValue).RequiresGrad_();
            var b = Tensor.FromScalar(0.0).RequiresGrad_();
            var terms = DcdLoss.Compute(Tensor.FromArray(StudentRows, 3, 2), Tensor.FromArray(TeacherRows, 3, 2), theta, b, 0.5, 10.0);
            var g = Autograd.Grad(new[] { terms.Total }, new[] { theta, b });
            return new[] { Value(g[0]!), Value(g[1]!) };
        }
        var atOne = Grads(1.0);
        Assert.Equal(0.1284555826, atOne[0], 1e-9);
        Assert.True(Math.Abs(atOne[1]) < 1e-12, $"∂L/∂b = {atOne[1]} should vanish");
        Assert.Equal(0.0, Grads(3.0)[0]); // the clamp passes no gradient
    }

    [Fact]
    public void FeatureGradientsFlowThroughBothSoftmaxesAndMatchFiniteDifferences()
    {
        using var scope = new TensorScope();
        var student = Randn(20, 5, 4);
        var teacher = Randn(21, 5, 4);
        var theta = Tensor.FromScalar(0.7);
        var b = Tensor.FromScalar(0.2);
        Tensor OfStudent(Tensor s) => DcdLoss.Compute(s, teacher, theta, b, 0.5, 10.0).Total;
        Tensor OfTeacher(Tensor t) => DcdLoss.Compute(student, t, theta, b, 0.5, 10.0).Total;
        AssertClose(FiniteDifferenceGradient(student, OfStudent), AutogradGradient(student, OfStudent), 1e-6, "∂L_DCD/∂z_s");
        AssertClose(FiniteDifferenceGradient(teacher, OfTeacher), AutogradGradient(teacher, OfTeacher), 1e-6, "∂L_DCD/∂z_t");
    }

    [Fact]
    public void SingleSampleBatchHasNothingToContrast()
    {
        using var scope = new TensorScope();
        using var terms = DcdLoss.Compute(Randn(1, 1, 4), Randn(2, 1, 4), Tensor.FromScalar(1.0), Tensor.FromScalar(0.0), 0.5, 10.0);
        Assert.Equal(0.0, Value(terms.Contrastive), 14);
        Assert.Equal(0.0, Value(terms.Consistency), 14);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        using var scope = new TensorScope();
        var a = Randn(1, 3, 2);
        var theta = Tensor.FromScalar(1.0);
        Assert.Contains("[3, 4]", Assert.Throws<ArgumentException>(() => DcdLoss.Compute(a, Randn(2, 3, 4), theta, theta, 0.5, 10.0)).Message);
        var vector = Tensor.FromArray(new double[] { 1, 2 });
        Assert.Contains("theta", Assert.Throws<ArgumentException>(() => DcdLoss.Compute(a, a, vector, theta, 0.5, 10.0)).Message);
        Assert.Contains("maxTau", Assert.Throws<ArgumentException>(() => DcdLoss.Compute(a, a, theta, theta, 0.5, maxTau: 0)).Message);
    }
}
