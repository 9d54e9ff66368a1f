using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// CRLD's cross-view consistency regularisation on top of another logit method (the paper reports
/// that it boosts existing methods; its exact composition is not published, so this is the natural
/// generalisation of docs/methods/crld.md). For a base pair loss ℓ(student, teacher) (KD, DKD, DIST, CMKD
/// with their own settings):
/// <code>
/// L = CE_w·(CE(z_sw) + CE(z_ss))
///   + WV·[ℓ_{m_w}(z_sw, z_tw) + ℓ_{m_w}(z_ss, z_ts)]     within-view, gated by the weak-view teacher
///   + CV·[ℓ_{m_s}(z_ss, z_tw) + ℓ_{m_s}(z_sw, z_ts)]     cross-view, gated by the strong-view teacher
/// </code>
/// where ℓ_m is the base loss on the samples the mask keeps, scaled by kept/B, so that for a
/// per-sample loss it is exactly the masked mean over the full batch: with KD as the base and
/// the default weights this is CRLD. A gated term that keeps no sample contributes zero.
/// </summary>
public sealed class CrossViewDistiller : Distiller
{
    private readonly CrossViewWeights weights;
    private readonly string baseMethod;
    private readonly CrossViewPairLoss pair;

    private CrossViewDistiller(DistillerParts parts, CrossViewWeights weights, string baseMethod, CrossViewPairLoss pair)
        : base(parts.Student, parts.Teacher)
    {
        this.weights = weights;
        this.baseMethod = baseMethod;
        this.pair = pair;
    }

    /// <summary>
    /// <paramref name="method"/> with CRLD's cross-view consistency: the method's weighted distillation
    /// term is the pair loss; its CE weight gives way to the cross-view weights.
    /// </summary>
    public static Distiller Compose(IMethodDescriptor method, object settings, CrossViewWeights weights, DistillerParts parts)
    {
        var pair = method.CrossViewPair(settings);
        if (pair is null)
        {
            var composable = MethodRegistry.All.Where(m => !m.IsCombination && m.CrossViewPair(m.CreateSettings()) != null).Select(m => m.Name);
            throw new ArgumentException(
                $"distiller.cross_view applies to {string.Join(", ", composable)} and combinations of them (crld already is kd with cross-view consistency), not {method.Name}");
        }
        return new CrossViewDistiller(parts, weights, method.Name, pair);
    }

    public override string Method => baseMethod + "+crld";

    public override int ViewCount => 2;

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        var (studentWeak, studentStrong, teacherWeak, teacherStrong) = TwoViewLogits(views);
        var dtype = studentWeak.DType;
        var keepWeak = CrldLoss.ConfidenceMask(teacherWeak, weights.TauW, dtype);
        var keepStrong = CrldLoss.ConfidenceMask(teacherStrong, weights.TauS, dtype);

        var ce = (CrossEntropyLoss.Compute(studentWeak, labels) + CrossEntropyLoss.Compute(studentStrong, labels)) * weights.CeWeight;
        var withinView = (Gated(studentWeak, teacherWeak, labels, keepWeak, progress)
                          + Gated(studentStrong, teacherStrong, labels, keepWeak, progress)) * weights.WvWeight;
        var crossView = (Gated(studentStrong, teacherWeak, labels, keepStrong, progress)
                         + Gated(studentWeak, teacherStrong, labels, keepStrong, progress)) * weights.CvWeight;
        return new DistillerStep(studentWeak, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", ce),
            new KeyValuePair<string, Tensor>("loss_kd_wv", withinView),
            new KeyValuePair<string, Tensor>("loss_kd_cv", crossView),
        });
    }

    /// <summary>(kept/B)·ℓ(student[kept], teacher[kept]); zero (with a zero gradient) when none is kept.</summary>
    private Tensor Gated(Tensor student, Tensor teacher, Tensor labels, Tensor mask, TrainingProgress progress)
    {
        var batch = student.Size(0);
        var index = Tensors.Arange(batch).MaskedSelect(mask.Gt(0.5));
        var count = index.Size(0);
        if (count == 0) return student.Sum() * 0.0;
        if (count == batch) return pair.Loss(student, teacher, labels, progress);
        var loss = pair.Loss(student.IndexSelect(0, index), teacher.IndexSelect(0, index), labels.IndexSelect(0, index), progress);
        return loss * ((double)count / batch);
    }
}
