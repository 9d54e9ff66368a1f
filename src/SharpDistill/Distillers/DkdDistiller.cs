using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// DKD (baselines.md §3): CE_WEIGHT·CE + min(epoch / WARMUP, 1)·(α·TCKD + β·NCKD). The warm-up
/// factor scales the whole DKD part, not CE, with 1-based epochs as in mdistiller.
/// </summary>
public sealed class DkdDistiller : Distiller
{
    private readonly DkdConfig settings;

    public DkdDistiller(ZooModel student, ZooModel teacher, DkdConfig settings) : base(student, teacher)
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
