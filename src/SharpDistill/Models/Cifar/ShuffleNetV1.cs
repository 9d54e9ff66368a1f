using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// ShuffleNet V1 for CIFAR (RepDistiller <c>ShuffleNetv1.py</c>; "ShuffleV1": groups 3, stage widths
/// 240/480/960, 4/8/4 blocks). Stem conv1×1 → 24 + BN + ReLU without downsampling, three stages
/// whose first block halves the resolution and concatenates an average-pooled shortcut, 4×4 average
/// pool, "linear". Features: the stem output and the three stage outputs.
/// </summary>
public sealed class ShuffleNetV1 : ZooModel
{
    private const long StemWidth = 24;
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly BlockSequence layer1, layer2, layer3;
    private readonly Linear linear;

    public ShuffleNetV1(string name, IReadOnlyList<long> outPlanes, IReadOnlyList<int> blocksPerStage, int groups, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (outPlanes.Count != 3 || blocksPerStage.Count != 3) throw new ArgumentException("ShuffleNet V1 needs 3 stage widths and 3 stage lengths");
        conv1 = RegisterModule("conv1", Convs.Conv1x1(InChannels, StemWidth));
        bn1 = RegisterModule("bn1", new BatchNorm2d(StemWidth));
        var inPlanes = StemWidth;
        layer1 = RegisterModule("layer1", MakeStage(ref inPlanes, outPlanes[0], blocksPerStage[0], groups));
        layer2 = RegisterModule("layer2", MakeStage(ref inPlanes, outPlanes[1], blocksPerStage[1], groups));
        layer3 = RegisterModule("layer3", MakeStage(ref inPlanes, outPlanes[2], blocksPerStage[2], groups));
        linear = RegisterModule("linear", new Linear(outPlanes[2], NumClasses));
    }

    private static BlockSequence MakeStage(ref long inPlanes, long outPlanes, int count, int groups)
    {
        var blocks = new List<Module<Tensor, Tensor>>();
        for (var i = 0; i < count; i++)
        {
            // The first block concatenates its input (pooled), so its conv branch makes only the rest.
            var branchPlanes = i == 0 ? outPlanes - inPlanes : outPlanes;
            blocks.Add(new ShuffleV1Block(inPlanes, branchPlanes, i == 0 ? 2 : 1, groups, firstGroups: inPlanes == StemWidth ? 1 : groups));
            inPlanes = outPlanes;
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
        return Classify(h, 4, linear, features);
    }
}

/// <summary>
/// ShuffleNet V1 unit: 1×1 group conv (g1) → BN → ReLU → channel shuffle(g1) → 3×3 depthwise(stride) →
/// BN → ReLU → 1×1 group conv (g) → BN, whose bottleneck width is a quarter of the branch output.
/// Stride 2: concatenated with AvgPool3(s2, p1) of the input; stride 1: added to the input. Then ReLU.
/// </summary>
public sealed class ShuffleV1Block : PreactModule
{
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly long firstGroups, stride;

    /// <param name="firstGroups">Groups of the first 1×1 conv and of the shuffle (1 right after the 24-channel stem).</param>
    public ShuffleV1Block(long inPlanes, long outPlanes, long stride, long groups, long firstGroups)
    {
        var mid = outPlanes / 4;
        this.firstGroups = firstGroups;
        this.stride = stride;
        conv1 = RegisterModule("conv1", Convs.Conv1x1(inPlanes, mid, groups: firstGroups));
        bn1 = RegisterModule("bn1", new BatchNorm2d(mid));
        conv2 = RegisterModule("conv2", Convs.Conv3x3(mid, mid, stride, groups: mid));
        bn2 = RegisterModule("bn2", new BatchNorm2d(mid));
        conv3 = RegisterModule("conv3", Convs.Conv1x1(mid, outPlanes, groups: groups));
        bn3 = RegisterModule("bn3", new BatchNorm2d(outPlanes));
    }

    public override Tensor Forward(Tensor input, bool wantPreact, out Tensor? preact)
    {
        Tensor sum;
        using (var branch = input.Apply(conv1.Forward, bn1.Forward, F.Relu, Shuffle, conv2.Forward, bn2.Forward, F.Relu,
                   conv3.Forward, bn3.Forward))
        {
            if (stride == 2)
            {
                using var pooled = F.AvgPool2d(input, 3, 2, 1);
                sum = Tensors.Cat(new[] { branch, pooled }, 1);
            }
            else sum = branch.Add(input);
        }
        var output = F.Relu(sum);
        if (wantPreact) preact = sum;
        else
        {
            sum.Dispose();
            preact = null;
        }
        return output;
    }

    // A shuffle with one group is the identity (the reference still reshapes; nothing to do here).
    private Tensor Shuffle(Tensor x) => firstGroups == 1 ? x.Alias() : F.ChannelShuffle(x, firstGroups);
}
