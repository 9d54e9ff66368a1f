using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>Hinton KD (baselines.md §2): CE_WEIGHT·CE + KD_WEIGHT·T²·KL(teacher ‖ student).</summary>
public sealed class KdDistiller : Distiller
{
    private readonly KdConfig settings;

    public KdDistiller(ZooModel student, ZooModel teacher, KdConfig settings) : base(student, teacher) => this.settings = settings;

    public override string Method => "kd";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", KdLoss.Compute(logits, teacher, settings.Temperature) * settings.KdWeight),
        });
    }
}
