using SharpDistill.Config;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Transfer;

/// <summary>
/// A frozen zoo model with a new linear classifier on its pooled penultimate feature — the network
/// a linear probe trains. Every backbone parameter is frozen (requires no gradient, and the backbone
/// runs without recording any); only <see cref="Classifier"/> learns. Which classifier the backbone
/// had (fc, linear, classifier, ...) does not matter: the probe reads the pooled feature every zoo
/// model returns. In <see cref="ProbeBatchNorm.Frozen"/> mode the backbone never leaves eval mode.
/// </summary>
public sealed class ProbeModel : ZooModel
{
    /// <summary>The standard deviation of the new classifier's initial weights (the protocol's N(0, 0.01); bias 0).</summary>
    public const double InitStd = 0.01;

    private readonly ZooModel backbone;

    public ProbeModel(ZooModel backbone, int numClasses, long featureWidth, ProbeBatchNorm batchNorm)
        : base(backbone.Name, backbone.Family, new ModelOptions(numClasses, (int)backbone.InChannels, backbone.Variant))
    {
        BatchNorm = batchNorm;
        backbone.SetRequiresGrad(false);
        this.backbone = RegisterModule("backbone", backbone);
        Classifier = RegisterModule("classifier", new Linear(featureWidth, numClasses));
        Init.Normal_(Classifier.Weight, 0, InitStd);
        Init.Zeros_(Classifier.Bias!);
        Train(Training);
    }

    public ProbeBatchNorm BatchNorm { get; }

    /// <summary>The frozen student.</summary>
    public ZooModel Backbone => backbone;

    /// <summary>The new classifier, the only trained part.</summary>
    public Linear Classifier { get; }

    /// <summary>Training mode for the classifier; for the backbone too unless batch norm is frozen.</summary>
    public override Module Train(bool mode = true)
    {
        base.Train(mode);
        if (mode && BatchNorm == ProbeBatchNorm.Frozen) backbone.Eval();
        return this;
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        ModelOutput frozen;
        using (Autograd.NoGrad()) frozen = backbone.Forward(input);
        using (frozen)
        {
            features?.SetPooled(frozen.PooledFeat);
            return Classifier.Forward(frozen.PooledFeat);
        }
    }
}
