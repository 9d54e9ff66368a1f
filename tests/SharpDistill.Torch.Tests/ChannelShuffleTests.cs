using SharpDistill.Torch;

namespace SharpDistill.Torch.Tests;

public class ChannelShuffleTests
{
    [Fact]
    public void ShufflesChannelsAcrossGroups()
    {
        // 6 channels in 2 groups [0 1 2 | 3 4 5] → [0 3 1 4 2 5].
        using var values = Tensors.Arange(0, 6, dtype: DType.Float32);
        using var x = values.View(1, 6, 1, 1);
        using var shuffled = F.ChannelShuffle(x, 2);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, shuffled.ToArray<float>());
    }

    [Fact]
    public void IsDifferentiable()
    {
        using var x = Tensors.Randn(new long[] { 2, 6, 3, 3 }).RequiresGrad_();
        using var values = Tensors.Arange(0, 6, dtype: DType.Float32);
        using var weights = values.View(1, 6, 1, 1);
        using var shuffled = F.ChannelShuffle(x, 3);
        using var weighted = shuffled * weights;
        using var loss = weighted.Sum();
        loss.Backward();
        // 3 groups of 2: input channel c = 2·group + i moves to output channel j = 3·i + group,
        // so d loss / d x[:, c] = weight j.
        using var grad = x.Grad!;
        var g = grad.ToArray<float>();
        for (var c = 0; c < 6; c++)
            Assert.Equal((float)(3 * (c % 2) + c / 2), g[c * 9]);
    }

    [Fact]
    public void RejectsChannelsThatDoNotSplitIntoTheGroups()
    {
        using var x = Tensors.Randn(new long[] { 1, 6, 2, 2 });
        using var tracked = Tensors.Randn(new long[] { 1, 6, 2, 2 }).RequiresGrad_();
        foreach (var input in new[] { x, tracked })
        {
            var e = Assert.ThrowsAny<TorchException>(() => F.ChannelShuffle(input, 4));
            Assert.Contains("divisible by groups", e.Message);
        }
    }
}
