using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

public sealed class CrldMethod : IMethodDescriptor
{
    public string Name => "crld";
    public string Help => "CRLD: KD within and across a weak and a strong view, gated by the teacher's confidence";
    public object CreateSettings() => new CrldSettings();
    public Distiller Create(object settings, DistillerParts parts) => new CrldDistiller(parts, (CrldSettings)settings);

    public LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var studentWeak = c.InputTensor("student_weak", dtype).RequiresGrad_();
        var studentStrong = c.InputTensor("student_strong", dtype).RequiresGrad_();
        var teacherWeak = c.InputTensor("teacher_weak", dtype);
        var teacherStrong = c.InputTensor("teacher_strong", dtype);
        var target = c.InputLabels("target");
        var settings = new CrldSettings
        {
            CeWeight = c.Param("ce_weight"), WvWeight = c.Param("wv_weight"), CvWeight = c.Param("cv_weight"),
            Temperature = c.Param("temperature"), TauW = c.Param("tau_w"), TauS = c.Param("tau_s"),
        };
        var terms = CrldLoss.Compute(studentWeak, studentStrong, teacherWeak, teacherStrong, target, settings);
        var values = new Dictionary<string, Tensor>
        {
            ["loss_ce"] = terms.Ce,
            ["loss_kd_wv"] = terms.KdWithinView,
            ["loss_kd_cv"] = terms.KdCrossView,
            ["loss"] = terms.Total,
            ["mask_w"] = terms.MaskWeak,
            ["mask_s"] = terms.MaskStrong,
        };
        return ConformanceValues.WithGradients(terms.Total, values, ("grad_student_weak", studentWeak), ("grad_student_strong", studentStrong));
    };
}

/// <summary>
/// CRLD (docs/methods/crld.md), to the letter of the official CRLD.py: two separate student forwards (weak
/// first, then strong, so batch-norm statistics update twice per step), the teacher in eval mode
/// without gradients on both views (two separate calls), confidence masks at temperature 1 with ≥,
/// within-view terms gated by the weak-view mask and cross-view terms by the strong-view mask,
/// means over the full batch, T² on each term, CE on both views; train accuracy from the weak view.
/// </summary>
public sealed class CrldDistiller : Distiller
{
    private readonly CrldSettings settings;

    public CrldDistiller(DistillerParts parts, CrldSettings settings) : base(parts.Student, parts.Teacher) => this.settings = settings;

    public override string Method => "crld";

    public override int ViewCount => 2;

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        var (studentWeak, studentStrong, teacherWeak, teacherStrong) = TwoViewLogits(views);
        using var terms = CrldLoss.Compute(studentWeak, studentStrong, teacherWeak, teacherStrong, labels, settings);
        return new DistillerStep(studentWeak, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", terms.Ce.Alias()),
            new KeyValuePair<string, Tensor>("loss_kd_wv", terms.KdWithinView.Alias()),
            new KeyValuePair<string, Tensor>("loss_kd_cv", terms.KdCrossView.Alias()),
        });
    }
}
