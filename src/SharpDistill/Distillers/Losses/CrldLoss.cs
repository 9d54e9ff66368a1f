using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// CRLD's loss weights and confidence thresholds (docs/methods/crld.md), the one home of their defaults:
/// CRLD's own settings extend them with the temperature, and the cross-view composition on top of
/// another method (distiller.cross_view) uses them as they are.
/// </summary>
public class CrossViewWeights
{
    /// <summary>CE_WEIGHT, on the CE of each view.</summary>
    public double CeWeight { get; set; } = 1.0;
    /// <summary>WV_WEIGHT, the within-view KD weight.</summary>
    public double WvWeight { get; set; } = 2.0;
    /// <summary>CV_WEIGHT, the cross-view KD weight.</summary>
    public double CvWeight { get; set; } = 0.5;
    /// <summary>τ_w: within-view terms keep samples whose weak-view teacher confidence is ≥ τ_w.</summary>
    public double TauW { get; set; } = 0.9;
    /// <summary>τ_s: cross-view terms keep samples whose strong-view teacher confidence is ≥ τ_s.</summary>
    public double TauS { get; set; } = 0.2;
}

/// <summary>CRLD's settings (distiller.crld.*): the cross-view weights and T, the temperature of every KD term (each also scaled by T²).</summary>
public sealed class CrldSettings : CrossViewWeights
{
    public double Temperature { get; set; } = 4.0;
}

/// <summary>
/// CRLD's three logged terms (already weighted), their sum and the confidence masks; disposing it
/// disposes every tensor.
/// </summary>
/// <param name="Ce">loss_ce = CE_WEIGHT·(CE(z_sw, y) + CE(z_ss, y)).</param>
/// <param name="KdWithinView">loss_kd_wv.</param>
/// <param name="KdCrossView">loss_kd_cv.</param>
/// <param name="Total">loss = loss_ce + loss_kd_wv + loss_kd_cv.</param>
/// <param name="MaskWeak">m_w, 0/1 per sample [B] (no gradient).</param>
/// <param name="MaskStrong">m_s, 0/1 per sample [B] (no gradient).</param>
public sealed record CrldLossTerms(Tensor Ce, Tensor KdWithinView, Tensor KdCrossView, Tensor Total, Tensor MaskWeak, Tensor MaskStrong)
    : IDisposable
{
    public void Dispose()
    {
        Ce.Dispose();
        KdWithinView.Dispose();
        KdCrossView.Dispose();
        Total.Dispose();
        MaskWeak.Dispose();
        MaskStrong.Dispose();
    }
}

/// <summary>
/// CRLD, "Cross-View Consistency Regularisation for Knowledge Distillation" (Zhang, Liu, Cai, Ma,
/// ACM MM 2024, arXiv:2412.16493), with the exact semantics of the official CRLD.py (docs/methods/crld.md).
/// </summary>
public static class CrldLoss
{
    private const string Name = "CRLD (Zhang et al. 2024; docs/methods/crld.md)";

    /// <summary>
    /// L = L_ce + L_wv + L_cv with
    /// L_wv = WV·(1/B)·Σ_i m_w[i]·(KD_T(z_sw, z_tw)[i] + KD_T(z_ss, z_ts)[i]) and
    /// L_cv = CV·(1/B)·Σ_i m_s[i]·(KD_T(z_ss, z_tw)[i] + KD_T(z_sw, z_ts)[i]).
    /// </summary>
    /// <remarks>
    /// Within-view terms are both gated by the weak-view teacher's mask and cross-view terms by the
    /// strong-view teacher's; the masks use softmax at temperature 1 (not T) and ≥; the means divide
    /// by the full batch B, not by the number of kept samples (docs/methods/crld.md).
    /// </remarks>
    /// <param name="studentWeak">z_sw, student logits on the weak view [B, C].</param>
    /// <param name="studentStrong">z_ss, student logits on the strong view [B, C].</param>
    /// <param name="teacherWeak">z_tw, teacher logits on the weak view [B, C].</param>
    /// <param name="teacherStrong">z_ts, teacher logits on the strong view [B, C].</param>
    /// <param name="target">Labels, int64 [B] in [0, C), the same for both views.</param>
    public static CrldLossTerms Compute(Tensor studentWeak, Tensor studentStrong, Tensor teacherWeak, Tensor teacherStrong,
        Tensor target, CrldSettings settings)
    {
        var s = settings;
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(studentWeak), studentWeak);
        foreach (var (name, view) in new[] { (nameof(studentStrong), studentStrong), (nameof(teacherWeak), teacherWeak), (nameof(teacherStrong), teacherStrong) })
        {
            LossPreconditions.Matrix(Name, name, view);
            LossPreconditions.SameShape(Name, nameof(studentWeak), studentWeak, name, view);
        }
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is a mean over the batch");
        LossPreconditions.Positive(Name, "temperature", s.Temperature);
        LossPreconditions.Finite(Name, "ce_weight", s.CeWeight);
        LossPreconditions.Finite(Name, "wv_weight", s.WvWeight);
        LossPreconditions.Finite(Name, "cv_weight", s.CvWeight);
        LossPreconditions.Finite(Name, "tau_w", s.TauW);
        LossPreconditions.Finite(Name, "tau_s", s.TauS);
        LossPreconditions.Labels(Name, nameof(target), target, batch, classes);

        using var scope = new TensorScope();
        var maskWeak = ConfidenceMask(teacherWeak, s.TauW, studentWeak.DType);
        var maskStrong = ConfidenceMask(teacherStrong, s.TauS, studentWeak.DType);

        var ce = (CrossEntropyLoss.Compute(studentWeak, target) + CrossEntropyLoss.Compute(studentStrong, target)) * s.CeWeight;

        var t = s.Temperature;
        var withinView = KdLoss.PerSample(studentWeak, teacherWeak, t) + KdLoss.PerSample(studentStrong, teacherStrong, t);
        var crossView = KdLoss.PerSample(studentStrong, teacherWeak, t) + KdLoss.PerSample(studentWeak, teacherStrong, t);
        var kdWithinView = (maskWeak * withinView).Sum() * (s.WvWeight / batch);
        var kdCrossView = (maskStrong * crossView).Sum() * (s.CvWeight / batch);

        var total = ce + kdWithinView + kdCrossView;
        return new CrldLossTerms(ce.MoveToOuterScope(), kdWithinView.MoveToOuterScope(), kdCrossView.MoveToOuterScope(),
            total.MoveToOuterScope(), maskWeak.MoveToOuterScope(), maskStrong.MoveToOuterScope());
    }

    /// <summary>
    /// m[i] = 1 when max_c softmax(teacher[i])_c ≥ τ, else 0: plain softmax at temperature 1, and
    /// "greater or equal", so τ = 0 keeps every sample (docs/methods/crld.md). A constant: no gradient.
    /// </summary>
    public static Tensor ConfidenceMask(Tensor teacherLogits, double tau, DType dtype)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var probabilities = F.Softmax(teacherLogits, 1);
        var (confidence, _) = probabilities.Max(1);
        return confidence.Ge(tau).To(dtype).MoveToOuterScope();
    }
}
