using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Pearson correlation with DIST's exact numerics (docs/methods/cmkd.md; hunto/image_classification_sota
/// lib/models/losses/dist_kd.py): ρ(u, v) = ⟨u − ū, v − v̄⟩ / (‖u − ū‖·‖v − v̄‖ + eps), the cosine of
/// the centred vectors with eps added to the product of the norms. A constant row therefore gets
/// ρ = 0 (loss 1, zero gradient) instead of NaN.
/// </summary>
public static class PearsonCorrelation
{
    public const double DefaultEpsilon = 1e-8;

    /// <summary>ρ between row i of <paramref name="a"/> and row i of <paramref name="b"/>, for every i: shape [rows].</summary>
    public static Tensor Rows(Tensor a, Tensor b, double epsilon = DefaultEpsilon)
    {
        using var scope = new TensorScope();
        var ac = a - a.Mean(1, keepDim: true);
        var bc = b - b.Mean(1, keepDim: true);
        var numerator = (ac * bc).Sum(1);
        var denominator = ac.Norm(2, new long[] { 1 }) * bc.Norm(2, new long[] { 1 }) + epsilon;
        return (numerator / denominator).MoveToOuterScope();
    }

    /// <summary>ρ between column j of <paramref name="a"/> and column j of <paramref name="b"/>, for every j: shape [columns].</summary>
    public static Tensor Columns(Tensor a, Tensor b, double epsilon = DefaultEpsilon)
    {
        using var scope = new TensorScope();
        return Rows(a.T(), b.T(), epsilon).MoveToOuterScope();
    }
}
