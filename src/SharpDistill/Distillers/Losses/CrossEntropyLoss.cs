using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Cross-entropy with hard labels, no label smoothing, mean over the batch (docs/methods/ce.md):
/// CE(z, y) = (1/B) Σ_i [ logsumexp_c z[i,c] − z[i, y_i] ].
/// </summary>
public static class CrossEntropyLoss
{
    private const string Name = "cross-entropy (docs/methods/ce.md)";

    /// <param name="logits">Logits [B, C].</param>
    /// <param name="target">Class indices, int64 [B], each in [0, C).</param>
    public static Tensor Compute(Tensor logits, Tensor target)
    {
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(logits), logits);
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is a mean over the batch");
        LossPreconditions.Labels(Name, nameof(target), target, batch, classes);
        using var scope = new TensorScope();
        var logNormaliser = logits.LogSumExp(1);
        var picked = logits.Gather(1, target.Unsqueeze(1)).Squeeze(1);
        return (logNormaliser - picked).Mean().MoveToOuterScope();
    }
}
