using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>The student alone with cross-entropy (mdistiller's Vanilla; also how teachers are trained).</summary>
public sealed class VanillaDistiller : Distiller
{
    public VanillaDistiller(ZooModel student) : base(student, null) { }

    public override string Method => "ce";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        return new DistillerStep(logits, new[] { new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels)) });
    }
}
