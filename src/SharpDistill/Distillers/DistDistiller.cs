using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>DIST (baselines.md §4): α·CE + τ²·(β·L_inter + γ·L_intra), Pearson correlations of the softened outputs.</summary>
public sealed class DistDistiller : Distiller
{
    private readonly DistConfig settings;

    public DistDistiller(ZooModel student, ZooModel teacher, DistConfig settings) : base(student, teacher) => this.settings = settings;

    public override string Method => "dist";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        using var dist = DistLoss.Compute(logits, teacher, settings.Beta, settings.Gamma, settings.Tau);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", dist.Total.Alias()),
        });
    }
}
