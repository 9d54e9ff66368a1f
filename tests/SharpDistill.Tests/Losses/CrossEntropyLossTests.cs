using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using static SharpDistill.Tests.Losses.LossTestSupport;

namespace SharpDistill.Tests.Losses;

public class CrossEntropyLossTests
{
    [Fact]
    public void MatchesTheFormulaAndLibtorch()
    {
        using var scope = new TensorScope();
        var data = new double[] { 1.0, -0.5, 2.0, 0.3, 0.0, -1.2 };
        var logits = Tensor.FromArray(data, 2, 3);
        var target = Labels(2, 0);
        var rows = ReferenceFormulas.Rows(data, 3);
        var expected = (ReferenceFormulas.CrossEntropySample(rows[0], 2) + ReferenceFormulas.CrossEntropySample(rows[1], 0)) / 2;
        Assert.Equal(expected, Value(CrossEntropyLoss.Compute(logits, target)), 14);
        Assert.Equal(Value(F.CrossEntropy(logits, target)), Value(CrossEntropyLoss.Compute(logits, target)), 14);
    }

    [Fact]
    public void RejectsBadLabels()
    {
        using var scope = new TensorScope();
        var logits = Tensors.Zeros(new long[] { 2, 3 }, DType.Float64);
        Assert.Contains("[0, 3)", Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Compute(logits, Labels(0, 3))).Message);
        Assert.Contains("[0, 3)", Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Compute(logits, Labels(-1, 0))).Message);
        Assert.Contains("shape [2]", Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Compute(logits, Labels(0, 1, 2))).Message);
        var int32 = Tensor.FromArray(new[] { 0, 1 });
        Assert.Contains("int64", Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Compute(logits, int32)).Message);
    }
}
