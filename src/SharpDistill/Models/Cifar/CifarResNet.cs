using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// The CIFAR ResNets of He et al. (RepDistiller <c>resnet.py</c>): resnet8 … resnet110, resnet8x4,
/// resnet32x4. Stem conv3×3 + BN + ReLU, three stages of (depth − 2)/6 BasicBlocks at strides 1, 2, 2,
/// 8×8 average pool, FC. Features: the stem output and the three stage outputs.
/// </summary>
public sealed class CifarResNet : ZooModel
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly BlockSequence layer1, layer2, layer3;
    private readonly Linear fc;

    /// <param name="depth">6n + 2.</param>
    /// <param name="filters">Stem width then the three stage widths, e.g. [16, 16, 32, 64] or [32, 64, 128, 256] for the ×4 models.</param>
    public CifarResNet(string name, int depth, IReadOnlyList<long> filters, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (depth < 8 || (depth - 2) % 6 != 0) throw new ArgumentException($"CIFAR ResNet depth must be 6n + 2 (8, 14, 20, ...), got {depth}");
        if (filters.Count != 4) throw new ArgumentException($"CIFAR ResNet needs 4 filter counts (stem and 3 stages), got {filters.Count}");
        var blocks = (depth - 2) / 6;
        conv1 = RegisterModule("conv1", new Conv2d(InChannels, filters[0], 3, padding: 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(filters[0]));
        var inPlanes = filters[0];
        layer1 = RegisterModule("layer1", MakeStage(ref inPlanes, filters[1], blocks, 1));
        layer2 = RegisterModule("layer2", MakeStage(ref inPlanes, filters[2], blocks, 2));
        layer3 = RegisterModule("layer3", MakeStage(ref inPlanes, filters[3], blocks, 2));
        fc = RegisterModule("fc", new Linear(filters[3], NumClasses));
        ModelInit.ConvsNormalFanOut(this);
    }

    private static BlockSequence MakeStage(ref long inPlanes, long planes, int count, long stride)
    {
        var blocks = new List<Module<Tensor, Tensor>>();
        for (var i = 0; i < count; i++)
        {
            blocks.Add(new BasicBlock(inPlanes, planes, i == 0 ? stride : 1, "downsample"));
            inPlanes = planes;
        }
        return new BlockSequence(blocks);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var h = input.Apply(conv1.Forward, bn1.Forward, F.Relu);
        features?.AddStage(h);
        h = RunStage(h, layer1, features);
        h = RunStage(h, layer2, features);
        h = RunStage(h, layer3, features);
        return Classify(h, 8, fc, features);
    }
}
