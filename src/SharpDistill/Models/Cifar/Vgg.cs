using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// VGG with batch norm for CIFAR (RepDistiller <c>vgg.py</c>, the <c>*_bn</c> constructors): five
/// conv groups "block0".."block4" of conv3×3 (with bias)-BN-ReLU, the last ReLU of each group applied
/// outside it so that the group output is pre-activation; 2×2 max-pools after groups 0, 1 and 2 (and
/// after group 3 for a 64-pixel input, as in the reference), global average pool, "classifier" FC.
/// Features: the five group outputs after ReLU; pre-activation features: the group outputs before it
/// (the first entry is the activated one, as in the reference).
/// </summary>
public sealed class Vgg : ZooModel
{
    /// <summary>Conv widths per group of the published configurations.</summary>
    public static readonly IReadOnlyDictionary<string, long[][]> Configurations = new Dictionary<string, long[][]>
    {
        ["vgg8"] = new long[][] { [64], [128], [256], [512], [512] },
        ["vgg11"] = new long[][] { [64], [128], [256, 256], [512, 512], [512, 512] },
        ["vgg13"] = new long[][] { [64, 64], [128, 128], [256, 256], [512, 512], [512, 512] },
        ["vgg16"] = new long[][] { [64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512] },
        ["vgg19"] = new long[][] { [64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512] },
    };

    private readonly Sequential[] blocks = new Sequential[5];
    private readonly Linear classifier;

    public Vgg(string name, IReadOnlyList<IReadOnlyList<long>> groups, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (groups.Count != 5 || groups.Any(g => g.Count == 0)) throw new ArgumentException("VGG needs 5 non-empty conv groups");
        var inChannels = InChannels;
        for (var b = 0; b < 5; b++)
        {
            blocks[b] = RegisterModule($"block{b}", MakeGroup(groups[b], inChannels));
            inChannels = groups[b][^1];
        }
        // The reference's classifier is Linear(512, classes) for all its configurations.
        classifier = RegisterModule("classifier", new Linear(inChannels, NumClasses));
        ModelInit.ConvsNormalFanOut(this);
        ModelInit.LinearsNormal(this, 0.01);
    }

    /// <summary>conv-BN-ReLU per width, without the final ReLU: keys "0" (conv), "1" (BN), "3", "4", ...</summary>
    private static Sequential MakeGroup(IReadOnlyList<long> widths, long inChannels)
    {
        var group = new Sequential();
        for (var i = 0; i < widths.Count; i++)
        {
            if (i > 0) group.Append(new ReLU());
            group.Append(new Conv2d(inChannels, widths[i], 3, padding: 1, bias: true));
            group.Append(new BatchNorm2d(widths[i]));
            inChannels = widths[i];
        }
        return group;
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var inputHeight = input.Size(2);
        var h = input.Apply(blocks[0].Forward, F.Relu);
        features?.AddStage(h);
        for (var b = 1; b < 5; b++)
        {
            // Max-pool before groups 1, 2 and 3; before group 4 only for 64-pixel inputs (Tiny-ImageNet).
            if (b < 4 || inputHeight == 64) h = h.Consume(MaxPool);
            var preact = h.Consume(blocks[b].Forward);
            h = F.Relu(preact);
            using (preact) features?.AddStage(h, preact);
        }
        // The reference pools adaptively (AdaptiveAvgPool2d((1, 1))) in every variant.
        return Classify(h, null, classifier, features);
    }

    private static Tensor MaxPool(Tensor x) => F.MaxPool2d(x, 2, 2);
}
