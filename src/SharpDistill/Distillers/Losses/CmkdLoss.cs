using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>CMKD's weighted terms, their sum and diagnostics; disposing it disposes the tensors.</summary>
/// <param name="Inter">τ²·β·mean_i ℓ_inter(i), the per-sample Pearson/Spearman mix.</param>
/// <param name="Intra">τ²·γ·L_intra (a zero tensor when γ = 0).</param>
/// <param name="Total">τ²·(β·mean_i ℓ_inter(i) + γ·L_intra): no CE.</param>
/// <param name="SampleWeights">w_i [B], the weight of the Spearman term per sample under
/// SpearmanOnHard (of the Pearson term otherwise); constants, no gradient.</param>
/// <param name="MeanInterBlocks">Mean number of PAV blocks per student row (out of C): 1 means the
/// inter-class Spearman term is Pearson in disguise, C means it has no gradient (docs/methods/cmkd.md).</param>
/// <param name="MeanIntraBlocks">The same for the student's per-class columns (out of B); NaN when
/// the intra-class Spearman term is off.</param>
public sealed record CmkdLossTerms(Tensor Inter, Tensor Intra, Tensor Total, Tensor SampleWeights, double MeanInterBlocks,
    double MeanIntraBlocks) : IDisposable
{
    public void Dispose()
    {
        Inter.Dispose();
        Intra.Dispose();
        Total.Dispose();
        SampleWeights.Dispose();
    }
}

/// <summary>
/// CMKD, "Efficient and Robust Knowledge Distillation from A Stronger Teacher Based on Correlation
/// Matching" (Niu, Wang, Cai, Hou, arXiv:2410.06561): a per-sample, difficulty-weighted mix of a
/// Pearson-correlation loss (DIST's) and a Spearman rank-correlation loss on soft ranks.
/// </summary>
/// <remarks>
/// THIS IS A RECONSTRUCTION, NOT THE PAPER'S VERIFIED LOSS. Only the abstract and third-party
/// descriptions of CMKD are available and no official code is known (docs/methods/cmkd.md). The Pearson core
/// is DIST's exact formula and the soft-rank operator is Blondel et al.'s exact algorithm; how they
/// are combined (which tensor is ranked, the teacher's ranks, the difficulty measure, the weight
/// formula, the intra-class Spearman term) follows docs/methods/cmkd.md, and every such choice is a
/// setting of <see cref="CmkdSettings"/> with our best reading as its default (docs/methods/cmkd.md).
/// <code>
/// ℓ^P_inter(i) = 1 − ρ(Ps[i,:], Pt[i,:])            (Ps = softmax(Zs/τ), Pt = softmax(Zt/τ))
/// ℓ^S_inter(i) = 1 − ρ(R_ε(Xs[i,:]), R_ε(Xt[i,:]))  (X = Z/τ or P, R_ε = soft rank per row)
/// ℓ_inter(i)   = (1 − w_i)·ℓ^P_inter(i) + w_i·ℓ^S_inter(i)   (roles swapped if !SpearmanOnHard)
/// L_intra      = (1 − μ)·mean_j[1 − ρ(Ps[:,j], Pt[:,j])] + μ·mean_j[1 − ρ(R_ε(Xs[:,j]), R_ε(Xt[:,j]))]
/// L            = τ²·(β·mean_i ℓ_inter(i) + γ·L_intra)
/// </code>
/// ρ is DIST's Pearson with eps 1e-8 on the norm product. The weights w_i come from the teacher only.
/// </remarks>
public static class CmkdLoss
{
    private const string Name = "CMKD (Niu et al. 2024, reconstructed per docs/methods/cmkd.md)";

    /// <param name="student">Student logits [B, C], C ≥ 2.</param>
    /// <param name="teacher">Teacher logits [B, C].</param>
    /// <param name="target">Labels int64 [B]; needed only for <see cref="CmkdDifficulty.GroundTruthProbability"/>.</param>
    public static CmkdLossTerms Compute(Tensor student, Tensor teacher, Tensor? target, CmkdSettings settings)
    {
        var s = settings;
        var (batch, classes) = Check(student, teacher, target, s);

        using var scope = new TensorScope();
        var tau = s.Tau;
        var softStudent = student / tau;
        var softTeacher = teacher / tau;
        var ps = F.Softmax(softStudent, 1);
        var pt = F.Softmax(softTeacher, 1);
        var rankedStudent = s.RankOn == CmkdRankInput.Logit ? softStudent : ps;
        var rankedTeacher = s.RankOn == CmkdRankInput.Logit ? softTeacher : pt;

        var pearsonInter = PearsonCorrelation.Rows(ps, pt).RSub(1.0);
        var (studentRanks, interBlocks) = SoftRank.ComputeWithBlocks(rankedStudent, s.RankStrength, s.RankRegularization);
        var teacherRanks = TeacherRanks(rankedTeacher, s);
        var spearmanInter = PearsonCorrelation.Rows(studentRanks, teacherRanks).RSub(1.0);

        var weights = SampleWeights(pt, target, batch, classes, s);
        var complement = weights.RSub(1.0);
        var mixed = s.SpearmanOnHard
            ? complement * pearsonInter + weights * spearmanInter
            : weights * pearsonInter + complement * spearmanInter;
        var inter = mixed.Mean() * (tau * tau * s.Beta);

        Tensor intra;
        var meanIntraBlocks = double.NaN;
        // The intra-class terms correlate each class across the batch; a batch of one sample has
        // nothing to correlate, so they contribute 0 there (docs/training.md, "Small last batches").
        if (s.Gamma == 0 || batch < 2)
        {
            intra = Tensors.Zeros(Array.Empty<long>(), ps.DType, ps.Device);
        }
        else
        {
            var pearsonIntra = PearsonCorrelation.Columns(ps, pt).RSub(1.0).Mean();
            if (s.IntraSpearman)
            {
                // Ranks within each class across the batch: rank the rows of the transposes.
                var (studentColumnRanks, intraBlocks) =
                    SoftRank.ComputeWithBlocks(rankedStudent.T(), s.RankStrength, s.RankRegularization);
                var teacherColumnRanks = TeacherRanks(rankedTeacher.T(), s);
                var spearmanIntra = PearsonCorrelation.Rows(studentColumnRanks, teacherColumnRanks).RSub(1.0).Mean();
                pearsonIntra = pearsonIntra * (1 - s.IntraSpearmanWeight) + spearmanIntra * s.IntraSpearmanWeight;
                meanIntraBlocks = MeanOf(intraBlocks);
            }
            intra = pearsonIntra * (tau * tau * s.Gamma);
        }

        var total = inter + intra;
        return new CmkdLossTerms(inter.MoveToOuterScope(), intra.MoveToOuterScope(), total.MoveToOuterScope(),
            weights.MoveToOuterScope(), MeanOf(interBlocks), meanIntraBlocks);
    }

    /// <summary>
    /// w_i ∈ [0, 1] from the teacher's softened distribution (docs/methods/cmkd.md); a constant.
    /// </summary>
    public static Tensor SampleWeights(Tensor teacherProbabilities, Tensor? target, long batch, long classes, CmkdSettings s)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var pt = teacherProbabilities.Detach();
        if (s.Weighting == CmkdWeighting.Fixed)
            return Tensors.FullLike(pt.Select(1, 0), s.FixedWeight).MoveToOuterScope();
        if (s.Difficulty == CmkdDifficulty.GroundTruthProbability && target is null)
            throw new ArgumentException($"{Name}: the ground-truth-probability difficulty needs the labels (target)", nameof(target));

        var difficulty = s.Difficulty switch
        {
            CmkdDifficulty.Entropy => NormalisedEntropy(pt, classes),
            CmkdDifficulty.Confidence => pt.Max(1).Values.RSub(1.0),
            CmkdDifficulty.GroundTruthProbability => pt.Gather(1, target!.Unsqueeze(1)).Squeeze(1).RSub(1.0),
            _ => throw new ArgumentOutOfRangeException(nameof(s), s.Difficulty, "unknown CMKD difficulty measure"),
        };
        var weights = s.WeightNormalization switch
        {
            CmkdWeightNormalization.Raw => difficulty,
            CmkdWeightNormalization.MinMax => (difficulty - difficulty.Min()) / (difficulty.Max() - difficulty.Min() + 1e-8),
            CmkdWeightNormalization.Sigmoid => ((difficulty - difficulty.Mean()) / s.SigmoidTemperature).Sigmoid(),
            _ => throw new ArgumentOutOfRangeException(nameof(s), s.WeightNormalization, "unknown CMKD weight normalization"),
        };
        // Rounding can push the entropy ratio a hair outside [0, 1]; the mix must stay convex.
        return weights.Clamp(0.0, 1.0).MoveToOuterScope();
    }

    /// <summary>H(p) / log C per row, with 0·log 0 = 0.</summary>
    private static Tensor NormalisedEntropy(Tensor p, long classes)
    {
        var logP = p.Log();
        var plogp = (p * logP).MaskedFill(p.Eq(0.0), 0.0);
        return plogp.Sum(1).Neg() / Math.Log(classes);
    }

    private static Tensor TeacherRanks(Tensor ranked, CmkdSettings s)
    {
        if (s.TeacherRank == CmkdTeacherRank.Soft) return SoftRank.Compute(ranked, s.RankStrength, s.RankRegularization);
        using var noGrad = Autograd.NoGrad();
        // The rank of an entry is its position in the sorted row: the inverse of the sorting permutation.
        var (_, order) = ranked.Sort(1);
        var (_, inverse) = order.Sort(1);
        return inverse.To(ranked.DType) + 1.0;
    }

    private static double MeanOf(Tensor blocks)
    {
        using var asDouble = blocks.To(DType.Float64);
        using var mean = asDouble.Mean();
        return mean.ToDouble();
    }

    private static (long Batch, long Classes) Check(Tensor student, Tensor teacher, Tensor? target, CmkdSettings s)
    {
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(student), student);
        LossPreconditions.Matrix(Name, nameof(teacher), teacher);
        LossPreconditions.SameShape(Name, "student logits", student, "teacher logits", teacher);
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is a mean over the batch");
        LossPreconditions.AtLeast(Name, "the number of classes", classes, 2, "correlations and the normalised entropy need at least two classes");
        LossPreconditions.Positive(Name, "tau", s.Tau);
        LossPreconditions.Finite(Name, "beta", s.Beta);
        LossPreconditions.Finite(Name, "gamma", s.Gamma);
        LossPreconditions.Positive(Name, "rank_strength (soft-rank regularisation ε)", s.RankStrength);
        LossPreconditions.InRange(Name, "intra_spearman_weight", s.IntraSpearmanWeight, 0, 1);
        LossPreconditions.InRange(Name, "fixed_weight", s.FixedWeight, 0, 1);
        LossPreconditions.Positive(Name, "sigmoid_temperature", s.SigmoidTemperature);
        if (s.Weighting == CmkdWeighting.Dynamic && s.Difficulty == CmkdDifficulty.GroundTruthProbability)
        {
            if (target is null)
                throw new ArgumentException($"{Name}: the ground-truth-probability difficulty needs the labels (target)", nameof(target));
        }
        if (target is not null) LossPreconditions.Labels(Name, nameof(target), target, batch, classes);
        return (batch, classes);
    }
}
