using SharpDistill.Torch;
using SharpDistill.Training;

namespace SharpDistill.Tests.Training;

public class AccuracyTests
{
    [Fact]
    public void CountsTop1AndTopK()
    {
        using var logits = Tensor.FromArray(new float[]
        {
            0.1f, 0.9f, 0.0f,   // top1 = 1, top2 = {1, 0}
            0.8f, 0.1f, 0.5f,   // top1 = 0, top2 = {0, 2}
            0.2f, 0.3f, 0.4f,   // top1 = 2, top2 = {2, 1}
        }, 3, 3);
        using var labels = Tensor.FromArray(new long[] { 1, 2, 0 });
        Assert.Equal(new long[] { 1, 2, 3 }, Accuracy.CorrectTopK(logits, labels, 1, 2, 5));
    }
}
