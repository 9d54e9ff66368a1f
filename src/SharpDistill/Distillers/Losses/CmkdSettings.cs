using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>Which tensor the Spearman terms rank (cmkd.md §1.3–1.4). [UNVERIFIED]</summary>
public enum CmkdRankInput
{
    /// <summary>The softened logits z/τ: same order as the probabilities, with gaps large enough for ε = 1.</summary>
    Logit,

    /// <summary>The probabilities softmax(z/τ): tightly packed, so ε must be tuned to their scale.</summary>
    Probability,
}

/// <summary>How the teacher's ranks are computed (cmkd.md §1.4). [UNVERIFIED]</summary>
public enum CmkdTeacherRank
{
    /// <summary>Soft ranks with the student's ε and regularisation (as in torchsort's Spearman example).</summary>
    Soft,

    /// <summary>Exact ranks 1..n (ties, rare in real logits, broken arbitrarily); the teacher needs no gradient.</summary>
    Hard,
}

/// <summary>The per-sample difficulty d_i ∈ [0, 1], from the teacher only (cmkd.md §1.5). [UNVERIFIED]</summary>
public enum CmkdDifficulty
{
    /// <summary>H(Pt[i,:]) / log C, the normalised entropy of the teacher's softened distribution.</summary>
    Entropy,

    /// <summary>1 − max_c Pt[i,c].</summary>
    Confidence,

    /// <summary>1 − Pt[i, y_i]; needs the labels.</summary>
    GroundTruthProbability,
}

/// <summary>How the difficulty becomes the mixing weight w_i ∈ [0, 1] (cmkd.md §1.5). [UNVERIFIED]</summary>
public enum CmkdWeightNormalization
{
    /// <summary>w_i = d_i.</summary>
    Raw,

    /// <summary>w_i = (d_i − min d) / (max d − min d + 1e-8) within the batch.</summary>
    MinMax,

    /// <summary>w_i = sigmoid((d_i − mean d) / T_w).</summary>
    Sigmoid,
}

/// <summary>Whether the Pearson/Spearman mix changes per sample (cmkd.md §1.5). [UNVERIFIED]</summary>
public enum CmkdWeighting
{
    /// <summary>w_i from the sample's difficulty.</summary>
    Dynamic,

    /// <summary>w_i = λ (<see cref="CmkdSettings.FixedWeight"/>) for every sample: the ablation.</summary>
    Fixed,
}

/// <summary>
/// Settings of the CMKD loss. CMKD's paper body and code are not available, so everything beyond
/// the DIST core is a reconstruction (cmkd.md §1.4–1.6): each uncertain choice is a setting, and the
/// defaults are the spec's recommendations (§1.6 and the implementation checklist).
/// </summary>
/// <param name="Tau">τ, the softmax temperature (4 on CIFAR-100, 1 on ImageNet); every correlation term is scaled by τ².</param>
/// <param name="Beta">β, the weight of the (mixed) inter-class term.</param>
/// <param name="Gamma">γ, the weight of the intra-class term (needs B ≥ 2 when non-zero).</param>
/// <param name="RankOn">The ranked tensor. Default <see cref="CmkdRankInput.Logit"/>. [UNVERIFIED]</param>
/// <param name="RankStrength">ε, the soft-rank regularisation strength. Default 1.0 (the libraries' default). [UNVERIFIED]</param>
/// <param name="RankRegularization">L2 (the libraries' default) or KL. [UNVERIFIED]</param>
/// <param name="TeacherRank">Soft (default) or hard teacher ranks. [UNVERIFIED]</param>
/// <param name="IntraSpearman">Whether the intra-class term mixes in a Spearman part (default true, the ½/½ example of §1.5). [UNVERIFIED]</param>
/// <param name="IntraSpearmanWeight">μ in L_intra = (1 − μ)·L^P_intra + μ·L^S_intra. Default 0.5. [UNVERIFIED]</param>
/// <param name="Difficulty">Default <see cref="CmkdDifficulty.Entropy"/>. [UNVERIFIED]</param>
/// <param name="WeightNormalization">Default <see cref="CmkdWeightNormalization.Raw"/>. [UNVERIFIED]</param>
/// <param name="SigmoidTemperature">T_w of the sigmoid normalisation; the spec gives no value, 1.0 is this implementation's choice. [UNVERIFIED]</param>
/// <param name="SpearmanOnHard">True (default): hard samples lean on the Spearman term, ℓ = (1 − w)·ℓ^P + w·ℓ^S; false swaps the roles. [UNVERIFIED]</param>
/// <param name="Weighting">Dynamic (default) or fixed weights. [UNVERIFIED]</param>
/// <param name="FixedWeight">λ for <see cref="CmkdWeighting.Fixed"/>. Default 0.5.</param>
public sealed record CmkdSettings(
    double Tau = 4.0,
    double Beta = 2.0,
    double Gamma = 2.0,
    CmkdRankInput RankOn = CmkdRankInput.Logit,
    double RankStrength = 1.0,
    SoftRankRegularization RankRegularization = SoftRankRegularization.L2,
    CmkdTeacherRank TeacherRank = CmkdTeacherRank.Soft,
    bool IntraSpearman = true,
    double IntraSpearmanWeight = 0.5,
    CmkdDifficulty Difficulty = CmkdDifficulty.Entropy,
    CmkdWeightNormalization WeightNormalization = CmkdWeightNormalization.Raw,
    double SigmoidTemperature = 1.0,
    bool SpearmanOnHard = true,
    CmkdWeighting Weighting = CmkdWeighting.Dynamic,
    double FixedWeight = 0.5);
