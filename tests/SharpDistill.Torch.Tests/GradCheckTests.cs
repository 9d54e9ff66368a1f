namespace SharpDistill.Torch.Tests;

/// <summary>Autograd's gradients of the operations training relies on, against float64 finite differences.</summary>
public class GradCheckTests
{
    private static Tensor Randn(Generator g, params long[] shape) => Tensors.Randn(shape, g, DType.Float64);

    [Fact]
    public void TheCheckCatchesAWrongGradient()
    {
        using var scope = new TensorScope();
        using var g = new Generator(1);
        // x.Detach()·x has derivative x according to autograd, but 2x numerically
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Check(t => t[0].Detach() * t[0], new[] { Randn(g, 3) }));
        Assert.Contains("input 0", e.Message);
        GradCheck.Check(t => t[0] * t[0], new[] { Randn(g, 3) });
    }

    [Fact]
    public void Conv2dWithStridePaddingAndGroups()
    {
        using var scope = new TensorScope();
        using var g = new Generator(2);
        GradCheck.Check(t => F.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1, groups: 2),
            new[] { Randn(g, 2, 4, 5, 5), Randn(g, 4, 2, 3, 3), Randn(g, 4) });
        GradCheck.Check(t => F.Conv2d(t[0], t[1], null, new long[] { 1, 2 }, new long[] { 2, 0 }, new long[] { 2, 1 }, 1),
            new[] { Randn(g, 1, 2, 5, 6), Randn(g, 3, 2, 2, 3) });
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        using var scope = new TensorScope();
        using var g = new Generator(3);
        GradCheck.Check(t => F.BatchNorm(t[0], null, null, t[1], t[2], training: true),
            new[] { Randn(g, 4, 3, 2, 2), Randn(g, 3), Randn(g, 3) });
        // with running statistics the gradient is the same (they are only updated, not used)
        var runningMean = Tensors.Zeros(new long[] { 3 }, DType.Float64);
        var runningVar = Tensors.Ones(new long[] { 3 }, DType.Float64);
        GradCheck.Check(t => F.BatchNorm(t[0], runningMean, runningVar, t[1], t[2], training: true),
            new[] { Randn(g, 4, 3, 2, 2), Randn(g, 3), Randn(g, 3) });
    }

    [Fact]
    public void Linear()
    {
        using var scope = new TensorScope();
        using var g = new Generator(4);
        GradCheck.Check(t => F.Linear(t[0], t[1], t[2]), new[] { Randn(g, 3, 5), Randn(g, 4, 5), Randn(g, 4) });
    }

    [Fact]
    public void LogSoftmax()
    {
        using var scope = new TensorScope();
        using var g = new Generator(5);
        GradCheck.Check(t => F.LogSoftmax(t[0], 1), new[] { Randn(g, 3, 5) });
        GradCheck.Check(t => F.Softmax(t[0] * 2, 0), new[] { Randn(g, 4, 2) });
    }

    [Fact]
    public void KlDivInBothTargetForms()
    {
        using var scope = new TensorScope();
        using var g = new Generator(6);
        // gradients flow into the student log-probabilities and into the teacher's distribution
        GradCheck.Check(t => F.KlDiv(F.LogSoftmax(t[0], 1), F.Softmax(t[1], 1), KlReduction.BatchMean, logTarget: false),
            new[] { Randn(g, 3, 4), Randn(g, 3, 4) });
        GradCheck.Check(t => F.KlDiv(F.LogSoftmax(t[0], 1), F.LogSoftmax(t[1], 1), KlReduction.None, logTarget: true),
            new[] { Randn(g, 3, 4), Randn(g, 3, 4) });
        GradCheck.Check(t => F.KlDiv(t[0], F.Softmax(t[1], 1), KlReduction.Mean, logTarget: false),
            new[] { Randn(g, 2, 3), Randn(g, 2, 3) });
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothing()
    {
        using var scope = new TensorScope();
        using var g = new Generator(7);
        var target = Tensor.FromArray(new long[] { 2, 0, 4 });
        GradCheck.Check(t => F.CrossEntropy(t[0], target, labelSmoothing: 0.1), new[] { Randn(g, 3, 5) });
        GradCheck.Check(t => F.CrossEntropy(t[0], target, Reduction.None, labelSmoothing: 0.2), new[] { Randn(g, 3, 5) });
        GradCheck.Check(t => F.CrossEntropy(t[0], target), new[] { Randn(g, 3, 5) });
    }

    [Fact]
    public void Normalize()
    {
        using var scope = new TensorScope();
        using var g = new Generator(8);
        GradCheck.Check(t => F.Normalize(t[0]), new[] { Randn(g, 3, 4) });
        GradCheck.Check(t => F.Normalize(t[0], p: 2, dim: 0), new[] { Randn(g, 3, 4) });
    }

    [Fact]
    public void MaxPool2d()
    {
        using var scope = new TensorScope();
        using var g = new Generator(9);
        // random float64 values have no ties, so the max is differentiable at these points
        GradCheck.Check(t => F.MaxPool2d(t[0], 2), new[] { Randn(g, 2, 2, 4, 4) });
        GradCheck.Check(t => F.MaxPool2d(t[0], 3, stride: 2, padding: 1), new[] { Randn(g, 1, 2, 5, 5) });
    }

    [Fact]
    public void PoolsAndActivationsUsedByTheModels()
    {
        using var scope = new TensorScope();
        using var g = new Generator(10);
        GradCheck.Check(t => F.AvgPool2d(t[0], 2), new[] { Randn(g, 1, 2, 4, 4) });
        GradCheck.Check(t => F.AdaptiveAvgPool2d(t[0], 2), new[] { Randn(g, 1, 2, 5, 5) });
        GradCheck.Check(t => F.Gelu(t[0]), new[] { Randn(g, 6) });
        GradCheck.Check(t => F.Relu(t[0]) + F.Relu6(t[0] * 4), new[] { Randn(g, 8) });
    }
}
