using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>DCD's two terms and their weighted sum; disposing it disposes all three.</summary>
/// <param name="Contrastive">L_contrast, the row-wise cross-entropy with diagonal targets.</param>
/// <param name="Consistency">L_consist (the vectors call it "invariance"), unweighted.</param>
/// <param name="Total">L_DCD = L_contrast + α_c·L_consist.</param>
public sealed record DcdLossTerms(Tensor Contrastive, Tensor Consistency, Tensor Total) : IDisposable
{
    public void Dispose()
    {
        Contrastive.Dispose();
        Consistency.Dispose();
        Total.Dispose();
    }
}

/// <summary>
/// DCD, "Discriminative and Consistent Representation Distillation" (Giakoumoglou &amp; Stathaki,
/// arXiv:2407.11802), exactly as the official DCDLoss (docs/methods/dcd.md): a contrastive loss between the
/// projected, L2-normalised student and teacher features of one batch (in-batch negatives only),
/// with a learnable logit scale τ = min(exp θ, max_tau) and bias b, plus a consistency term that is
/// zero exactly when the logit matrix is symmetric.
/// </summary>
public static class DcdLoss
{
    private const string Name = "DCD (Giakoumoglou & Stathaki; docs/methods/dcd.md)";

    /// <summary>Initial θ (τ = e) and b of the official code.</summary>
    public const double InitialTheta = 1.0;
    public const double InitialBias = 0.0;

    /// <summary>Row-wise L2 normalisation eps (F.normalize's default).</summary>
    private const double NormEpsilon = 1e-12;

    /// <summary>
    /// L_DCD from the projection heads' outputs (before normalisation):
    /// s = z_s/‖z_s‖, t = z_t/‖z_t‖, L = τ·s·tᵀ + b (N×N; row i is student sample i),
    /// L_contrast = (1/N) Σ_i [logsumexp_j L_ij − L_ii],
    /// L_consist = (1/N) Σ_ij A_ij (log A_ij − log P_ij) with P = row-softmax(L) and A = row-softmax(Lᵀ).
    /// </summary>
    /// <remarks>
    /// The gradient flows through both P and A (docs/methods/dcd.md: the target of the KL is not detached),
    /// into both heads, θ and b. ∂/∂b is exactly zero in exact arithmetic (a constant added to L
    /// changes no softmax), and ∂/∂θ is zero while exp θ ≥ max_tau (the clamp), docs/methods/dcd.md
    /// </remarks>
    /// <param name="projectedStudent">embed_s(f_s), [N, feat_dim].</param>
    /// <param name="projectedTeacher">embed_t(f_t), [N, feat_dim].</param>
    /// <param name="theta">θ, a scalar tensor (the official code calls it tau).</param>
    /// <param name="bias">b, a scalar tensor.</param>
    public static DcdLossTerms Compute(Tensor projectedStudent, Tensor projectedTeacher, Tensor theta, Tensor bias,
        double alpha, double maxTau)
    {
        var (n, _) = LossPreconditions.Matrix(Name, nameof(projectedStudent), projectedStudent);
        LossPreconditions.Matrix(Name, nameof(projectedTeacher), projectedTeacher);
        LossPreconditions.SameShape(Name, "projected student features", projectedStudent, "projected teacher features", projectedTeacher);
        LossPreconditions.AtLeast(Name, "the batch size", n, 1, "the negatives are the other samples of the batch");
        LossPreconditions.ScalarParameter(Name, nameof(theta), theta);
        LossPreconditions.ScalarParameter(Name, nameof(bias), bias);
        LossPreconditions.Finite(Name, nameof(alpha), alpha);
        LossPreconditions.Positive(Name, nameof(maxTau), maxTau);

        using var scope = new TensorScope();
        var s = F.Normalize(projectedStudent, 2, 1, NormEpsilon);
        var t = F.Normalize(projectedTeacher, 2, 1, NormEpsilon);
        var scale = theta.Exp().Clamp(0.0, maxTau);
        var logits = s.MatMul(t.T()) * scale + bias;

        var diagonalIndex = Tensors.Arange(0, n, device: logits.Device).Unsqueeze(1);
        var diagonal = logits.Gather(1, diagonalIndex).Squeeze(1);
        var contrastive = (logits.LogSumExp(1) - diagonal).Mean();

        var logP = F.LogSoftmax(logits, 1);
        var transposed = logits.T();
        var a = F.Softmax(transposed, 1);
        var logA = F.LogSoftmax(transposed, 1);
        var consistency = KlDivergence.Sum(a, logA, logP, 1).Sum() / n;

        var total = contrastive + consistency * alpha;
        return new DcdLossTerms(contrastive.MoveToOuterScope(), consistency.MoveToOuterScope(), total.MoveToOuterScope());
    }
}
