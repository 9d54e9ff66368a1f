using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// KL(p ‖ q) = Σ_c p_c · (log p_c − log q_c), written from the formula for every loss that needs it.
/// </summary>
/// <remarks>
/// Deliberately not a library kl_div: defaults differ between libraries (TorchSharp's log_target is
/// true where PyTorch's is false, and it has no "batchmean"), and a wrong default changes the value
/// silently (docs/methods/README.md, preamble). Entries with p_c = 0 contribute 0, PyTorch's x·log x → 0
/// convention, so a target probability that underflows to zero cannot turn the sum into NaN.
/// </remarks>
internal static class KlDivergence
{
    /// <summary>
    /// Σ over <paramref name="dim"/> of p·(log p − log q), given the target as probabilities and
    /// log-probabilities and the input as log-probabilities, all of one shape.
    /// </summary>
    public static Tensor Sum(Tensor p, Tensor logP, Tensor logQ, long dim)
    {
        using var scope = new TensorScope();
        var terms = p * (logP - logQ);
        var zero = p.Eq(0.0);
        return terms.MaskedFill(zero, 0.0).Sum(dim).MoveToOuterScope();
    }
}
