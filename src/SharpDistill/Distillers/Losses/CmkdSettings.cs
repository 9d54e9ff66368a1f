using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>Which tensor the Spearman terms rank (docs/methods/cmkd.md). (a reconstruction choice)</summary>
public enum CmkdRankInput
{
    /// <summary>The softened logits z/τ: same order as the probabilities, with gaps large enough for ε = 1.</summary>
    Logit,

    /// <summary>The probabilities softmax(z/τ): tightly packed, so ε must be tuned to their scale.</summary>
    Probability,
}

/// <summary>How the teacher's ranks are computed (docs/methods/cmkd.md). (a reconstruction choice)</summary>
public enum CmkdTeacherRank
{
    /// <summary>Soft ranks with the student's ε and regularisation (as in torchsort's Spearman example).</summary>
    Soft,

    /// <summary>Exact ranks 1..n (ties, rare in real logits, broken arbitrarily); the teacher needs no gradient.</summary>
    Hard,
}

/// <summary>The per-sample difficulty d_i ∈ [0, 1], from the teacher only (docs/methods/cmkd.md). (a reconstruction choice)</summary>
public enum CmkdDifficulty
{
    /// <summary>H(Pt[i,:]) / log C, the normalised entropy of the teacher's softened distribution.</summary>
    Entropy,

    /// <summary>1 − max_c Pt[i,c].</summary>
    Confidence,

    /// <summary>1 − Pt[i, y_i]; needs the labels.</summary>
    GroundTruthProbability,
}

/// <summary>How the difficulty becomes the mixing weight w_i ∈ [0, 1] (docs/methods/cmkd.md). (a reconstruction choice)</summary>
public enum CmkdWeightNormalization
{
    /// <summary>w_i = d_i.</summary>
    Raw,

    /// <summary>w_i = (d_i − min d) / (max d − min d + 1e-8) within the batch.</summary>
    MinMax,

    /// <summary>w_i = sigmoid((d_i − mean d) / T_w).</summary>
    Sigmoid,
}

/// <summary>Whether the Pearson/Spearman mix changes per sample (docs/methods/cmkd.md). (a reconstruction choice)</summary>
public enum CmkdWeighting
{
    /// <summary>w_i from the sample's difficulty.</summary>
    Dynamic,

    /// <summary>w_i = λ (<see cref="CmkdSettings.FixedWeight"/>) for every sample: the ablation.</summary>
    Fixed,
}

/// <summary>
/// CMKD's settings (distiller.cmkd.*; docs/methods/cmkd.md). CMKD's paper body and code are not available,
/// so everything beyond the DIST core is a reconstruction (docs/methods/cmkd.md): each uncertain choice
/// is a setting whose default is our best reading (docs/methods/cmkd.md explains each).
/// </summary>
public sealed class CmkdSettings
{
    /// <summary>α, the weight of the cross-entropy (the distiller's; the loss itself has no CE).</summary>
    public double CeWeight { get; set; } = 1.0;
    /// <summary>τ, the softmax temperature (4 on CIFAR-100, 1 on ImageNet); every correlation term is scaled by τ².</summary>
    public double Tau { get; set; } = 4.0;
    /// <summary>β, the weight of the (mixed) inter-class term.</summary>
    public double Beta { get; set; } = 2.0;
    /// <summary>γ, the weight of the intra-class term (needs B ≥ 2 when non-zero).</summary>
    public double Gamma { get; set; } = 2.0;
    /// <summary>The ranked tensor. (a reconstruction choice)</summary>
    public CmkdRankInput RankOn { get; set; } = CmkdRankInput.Logit;
    /// <summary>ε, the soft-rank regularisation strength (1.0, the libraries' default). (a reconstruction choice)</summary>
    public double RankStrength { get; set; } = 1.0;
    /// <summary>L2 (the libraries' default) or KL. (a reconstruction choice)</summary>
    public SoftRankRegularization RankRegularization { get; set; } = SoftRankRegularization.L2;
    /// <summary>Soft or hard teacher ranks. (a reconstruction choice)</summary>
    public CmkdTeacherRank TeacherRank { get; set; } = CmkdTeacherRank.Soft;
    /// <summary>Whether the intra-class term mixes in a Spearman part (half and half by default). (a reconstruction choice)</summary>
    public bool IntraSpearman { get; set; } = true;
    /// <summary>μ in L_intra = (1 − μ)·L^P_intra + μ·L^S_intra. (a reconstruction choice)</summary>
    public double IntraSpearmanWeight { get; set; } = 0.5;
    /// <summary>A reconstruction choice.</summary>
    public CmkdDifficulty Difficulty { get; set; } = CmkdDifficulty.Entropy;
    /// <summary>A reconstruction choice.</summary>
    public CmkdWeightNormalization WeightNormalization { get; set; } = CmkdWeightNormalization.Raw;
    /// <summary>T_w of the sigmoid normalisation; no published value, 1.0 is our choice. (a reconstruction choice)</summary>
    public double SigmoidTemperature { get; set; } = 1.0;
    /// <summary>True: hard samples lean on the Spearman term, ℓ = (1 − w)·ℓ^P + w·ℓ^S; false swaps the roles. (a reconstruction choice)</summary>
    public bool SpearmanOnHard { get; set; } = true;
    /// <summary>Dynamic or fixed weights. (a reconstruction choice)</summary>
    public CmkdWeighting Weighting { get; set; } = CmkdWeighting.Dynamic;
    /// <summary>λ for <see cref="CmkdWeighting.Fixed"/>.</summary>
    public double FixedWeight { get; set; } = 0.5;
}
