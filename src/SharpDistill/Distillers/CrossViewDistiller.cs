using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// CRLD's cross-view consistency regularisation on top of another logit method (the paper reports
/// that it boosts existing methods; its exact composition is not published, so this is the natural
/// generalisation of crld.md §1.4). For a base pair loss ℓ(student, teacher) (KD, DKD, DIST, CMKD
/// with their own settings):
/// <code>
/// L = CE_w·(CE(z_sw) + CE(z_ss))
///   + WV·[ℓ_{m_w}(z_sw, z_tw) + ℓ_{m_w}(z_ss, z_ts)]     within-view, gated by the weak-view teacher
///   + CV·[ℓ_{m_s}(z_ss, z_tw) + ℓ_{m_s}(z_sw, z_ts)]     cross-view, gated by the strong-view teacher
/// </code>
/// where ℓ_m is the base loss on the samples the mask keeps, scaled by kept/B, so that for a
/// per-sample loss it is exactly the masked mean over the full batch: with KD as the base and
/// the default weights this is CRLD. A gated term whose kept set is too small for the base loss
/// (DIST's per-class term needs two samples) contributes zero.
/// </summary>
public sealed class CrossViewDistiller : Distiller
{
    private readonly CrossViewConfig config;
    private readonly string baseMethod;
    private readonly Func<Tensor, Tensor, Tensor, TrainingProgress, Tensor> pairLoss;
    private readonly int minimumKept;

    /// <param name="pairLoss">(student logits, teacher logits, labels, progress) → the base method's weighted distillation loss (no CE), a batch mean.</param>
    /// <param name="minimumKept">The fewest samples the base loss accepts.</param>
    public CrossViewDistiller(ZooModel student, ZooModel teacher, CrossViewConfig config, string baseMethod,
        Func<Tensor, Tensor, Tensor, TrainingProgress, Tensor> pairLoss, int minimumKept = 1) : base(student, teacher)
    {
        this.config = config;
        this.baseMethod = baseMethod;
        this.pairLoss = pairLoss;
        this.minimumKept = minimumKept;
    }

    public override string Method => baseMethod + "+crld";

    public override int ViewCount => 2;

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        var (studentWeak, studentStrong, teacherWeak, teacherStrong) = TwoViewLogits(views);
        var dtype = studentWeak.DType;
        var keepWeak = CrldLoss.ConfidenceMask(teacherWeak, config.TauW, dtype);
        var keepStrong = CrldLoss.ConfidenceMask(teacherStrong, config.TauS, dtype);

        var ce = (CrossEntropyLoss.Compute(studentWeak, labels) + CrossEntropyLoss.Compute(studentStrong, labels)) * config.CeWeight;
        var withinView = (Gated(studentWeak, teacherWeak, labels, keepWeak, progress)
                          + Gated(studentStrong, teacherStrong, labels, keepWeak, progress)) * config.WvWeight;
        var crossView = (Gated(studentStrong, teacherWeak, labels, keepStrong, progress)
                         + Gated(studentWeak, teacherStrong, labels, keepStrong, progress)) * config.CvWeight;
        return new DistillerStep(studentWeak, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", ce),
            new KeyValuePair<string, Tensor>("loss_kd_wv", withinView),
            new KeyValuePair<string, Tensor>("loss_kd_cv", crossView),
        });
    }

    /// <summary>(kept/B)·ℓ(student[kept], teacher[kept]); zero (with a zero gradient) when too few are kept.</summary>
    private Tensor Gated(Tensor student, Tensor teacher, Tensor labels, Tensor mask, TrainingProgress progress)
    {
        var batch = student.Size(0);
        var index = Tensors.Arange(batch).MaskedSelect(mask.Gt(0.5));
        var count = index.Size(0);
        if (count < minimumKept) return student.Sum() * 0.0;
        if (count == batch) return pairLoss(student, teacher, labels, progress);
        var loss = pairLoss(student.IndexSelect(0, index), teacher.IndexSelect(0, index), labels.IndexSelect(0, index), progress);
        return loss * ((double)count / batch);
    }
}
