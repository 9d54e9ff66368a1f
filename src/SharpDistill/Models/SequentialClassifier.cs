using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models;

/// <summary>
/// A network of your own, usable everywhere a zoo model is (as student or teacher, in the trainer,
/// the evaluator and the ONNX exporter): a feature extractor you assemble from layers, global
/// average pooling over its final map, and a linear classifier (docs/library.md).
/// </summary>
/// <remarks>
/// The extractor must map <c>[N, inChannels, H, W]</c> to <c>[N, featureWidth, h, w]</c> for any
/// input size it is trained at; pooling is global, so h and w may be anything. Its output is
/// recorded as the model's one feature stage and the pooled vector as its pooled feature, which is
/// what feature-reading methods (DCD) need. Registered children are "features" and "classifier",
/// so checkpoints and state dicts use the keys <c>features.0.weight</c>, …, <c>classifier.weight</c>.
/// For a forward pass that a chain of layers cannot express, derive from <see cref="ZooModel"/>
/// instead and give the exporter a <see cref="Export.NetworkExport"/> for it.
/// </remarks>
public sealed class SequentialClassifier : ZooModel
{
    private readonly Sequential features;
    private readonly Linear classifier;

    /// <param name="name">The model's name, recorded in checkpoints and exported files.</param>
    /// <param name="features">The feature extractor; this model owns (disposes) it.</param>
    /// <param name="featureWidth">Channels of the extractor's output (the classifier's input width).</param>
    /// <param name="numClasses">Classifier outputs.</param>
    /// <param name="inChannels">Input image channels (1 for grayscale, 3 for RGB).</param>
    public SequentialClassifier(string name, Sequential features, long featureWidth, int numClasses, int inChannels = 3)
        : base(name, ModelFamily.Cifar, new ModelOptions(numClasses, inChannels, ModelVariant.TinyImageNet))
    {
        ArgumentNullException.ThrowIfNull(features);
        if (featureWidth < 1) throw new ArgumentOutOfRangeException(nameof(featureWidth), featureWidth, "the feature width must be at least 1");
        this.features = RegisterModule("features", features);
        classifier = RegisterModule("classifier", new Linear(featureWidth, numClasses));
    }

    /// <summary>The feature extractor.</summary>
    public Sequential Features => features;

    /// <summary>The linear classifier on the pooled feature.</summary>
    public Linear Classifier => classifier;

    /// <inheritdoc />
    protected override Tensor Run(Tensor input, FeatureCollector? collector)
    {
        var map = features.Forward(input);
        collector?.AddStage(map);
        // Variant TinyImageNet: Classify pools globally whatever the final map's size.
        return Classify(map, null, classifier, collector);
    }
}
