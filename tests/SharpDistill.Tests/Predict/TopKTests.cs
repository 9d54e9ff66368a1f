using SharpDistill.Predict;

namespace SharpDistill.Tests.Predict;

public class TopKTests
{
    [Fact]
    public void SoftmaxProbabilitiesInOrderWithNames()
    {
        var top = TopK.Of([1f, 3f, 2f, 3f], 3, ["a", "b", "c"]);
        Assert.Equal([1, 3, 2], top.Select(s => s.Index));
        Assert.Equal(["b", "3", "c"], top.Select(s => s.Name)); // no name for index 3: its number
        var z = Math.Exp(1) + 2 * Math.Exp(3) + Math.Exp(2);
        Assert.Equal(Math.Exp(3) / z, top[0].Probability, 12);
        Assert.Equal(Math.Exp(2) / z, top[2].Probability, 12);
    }

    [Fact]
    public void LargeLogitsDoNotOverflowAndKMustBePositive()
    {
        var top = TopK.Of([1000f, 999f], 2, []);
        Assert.Equal(1 / (1 + Math.Exp(-1)), top[0].Probability, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Of([1f], 0, []));
    }
}
