using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

public sealed class CeMethod : MethodDescriptor<NoSettings>
{
    public override string Name => "ce";
    public override string Help => "the model alone with cross-entropy, no teacher (teachers and baselines; the `train` verb)";
    public override bool NeedsTeacher => false;

    protected override Distiller Create(NoSettings settings, DistillerParts parts) => new VanillaDistiller(parts.Student);
}

/// <summary>The student alone with cross-entropy (mdistiller's Vanilla; also how teachers are trained).</summary>
public sealed class VanillaDistiller : Distiller
{
    public VanillaDistiller(Models.ZooModel student) : base(student, null) { }

    public override string Method => "ce";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        return new DistillerStep(logits, new[] { new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels)) });
    }
}
