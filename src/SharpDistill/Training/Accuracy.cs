using SharpDistill.Torch;

namespace SharpDistill.Training;

/// <summary>Top-k accuracy counts for a batch of logits [B, C] against labels [B].</summary>
public static class Accuracy
{
    /// <summary>Number of samples whose label is among the k highest logits, for each k (k capped at C).</summary>
    public static long[] CorrectTopK(Tensor logits, Tensor labels, params int[] ks)
    {
        var classes = logits.Size(1);
        var maxK = (int)Math.Min(ks.Max(), classes);
        using var scope = new TensorScope();
        var (_, top) = logits.TopK(maxK, 1);
        var hits = top.Eq(labels.View(-1, 1));
        var result = new long[ks.Length];
        for (var i = 0; i < ks.Length; i++)
        {
            var k = (int)Math.Min(ks[i], classes);
            result[i] = hits.Narrow(1, 0, k).Sum().ToInt64();
        }
        return result;
    }
}
