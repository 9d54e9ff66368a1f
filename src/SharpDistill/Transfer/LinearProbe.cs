using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Transfer;

/// <summary>
/// The linear probe as a training method for the ordinary <see cref="Training.Trainer"/>: cross-entropy
/// of the probe's logits, and only the new classifier's parameters handed to the optimizer. The loss
/// term is named after the batch-norm mode (loss_probe_bn_train / loss_probe_bn_frozen), so every
/// metrics row says which probe produced it.
/// </summary>
public sealed class LinearProbe : Distiller
{
    private readonly string termName;

    public LinearProbe(ProbeModel probe) : base(probe, null)
    {
        Probe = probe;
        termName = "loss_probe_bn_" + ConfigNames.ToKey(probe.BatchNorm.ToString());
    }

    public const string MethodName = "linear_probe";

    public override string Method => MethodName;

    public ProbeModel Probe { get; }

    public override IEnumerable<Tensor> TrainableParameters() => Probe.Classifier.Parameters();

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        return new DistillerStep(logits, [new KeyValuePair<string, Tensor>(termName, CrossEntropyLoss.Compute(logits, labels))]);
    }
}
