using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>Decoupled KD's settings (distiller.dkd.*); mdistiller CFG.DKD defaults (β varies per pair in the published configs).</summary>
public sealed class DkdSettings
{
    public double CeWeight { get; set; } = 1.0;
    public double Alpha { get; set; } = 1.0;
    public double Beta { get; set; } = 8.0;
    public double Temperature { get; set; } = 4.0;
    /// <summary>The DKD part is scaled by min(epoch / warmup, 1).</summary>
    public int Warmup { get; set; } = 20;
}

public sealed class DkdMethod : MethodDescriptor<DkdSettings>
{
    public override string Name => "dkd";
    public override string Help => "Decoupled KD: target-class and non-target-class KD weighted separately, warmed up";

    protected override Distiller Create(DkdSettings settings, DistillerParts parts) => new DkdDistiller(parts, settings);

    protected override CrossViewPairLoss CrossViewPair(DkdSettings settings) => new((s, t, y, p) =>
    {
        using var dkd = DkdLoss.Compute(s, t, y, settings.Alpha, settings.Beta, settings.Temperature);
        return dkd.Total * DkdDistiller.WarmupFactor(p.Epoch, settings.Warmup);
    });

    public override LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var target = c.InputLabels("target");
        var terms = DkdLoss.Compute(student, teacher, target, c.Param("alpha"), c.Param("beta"), c.Param("temperature"));
        return ConformanceValues.WithGradients(terms.Total, new() { ["loss"] = terms.Total }, ("grad_student", student));
    };
}

/// <summary>
/// DKD (baselines.md §3): CE_WEIGHT·CE + min(epoch / WARMUP, 1)·(α·TCKD + β·NCKD). The warm-up
/// factor scales the whole DKD part, not CE, with 1-based epochs as in mdistiller.
/// </summary>
public sealed class DkdDistiller : Distiller
{
    private readonly DkdSettings settings;

    public DkdDistiller(DistillerParts parts, DkdSettings settings) : base(parts.Student, parts.Teacher)
    {
        if (settings.Warmup < 1) throw new ArgumentException($"distiller.dkd.warmup must be at least 1 epoch, got {settings.Warmup}");
        this.settings = settings;
    }

    public override string Method => "dkd";

    public static double WarmupFactor(int epoch, int warmup) => Math.Min((double)epoch / warmup, 1.0);

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        using var dkd = DkdLoss.Compute(logits, teacher, labels, settings.Alpha, settings.Beta, settings.Temperature);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", dkd.Total * WarmupFactor(progress.Epoch, settings.Warmup)),
        });
    }
}
