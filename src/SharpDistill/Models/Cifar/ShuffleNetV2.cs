using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// ShuffleNet V2 for CIFAR (RepDistiller <c>ShuffleNetv2.py</c>; "ShuffleV2" is net size 1: stage
/// widths 116/232/464, 3/7/3 basic blocks, head 1024). Stem conv1×1 → 24 + BN + ReLU without
/// downsampling, three stages each opened by a stride-2 down block, 1×1 conv + BN + ReLU ("conv2",
/// "bn2"), 4×4 average pool, "linear". Features: the stem output and the three stage outputs.
/// </summary>
public sealed class ShuffleNetV2 : ZooModel
{
    private const long StemWidth = 24;
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;
    private readonly BlockSequence layer1, layer2, layer3;
    private readonly Linear linear;

    /// <param name="outChannels">The three stage widths then the head width, e.g. [116, 232, 464, 1024].</param>
    public ShuffleNetV2(string name, IReadOnlyList<long> outChannels, IReadOnlyList<int> blocksPerStage, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (outChannels.Count != 4 || blocksPerStage.Count != 3) throw new ArgumentException("ShuffleNet V2 needs 4 widths and 3 stage lengths");
        conv1 = RegisterModule("conv1", Convs.Conv1x1(InChannels, StemWidth));
        bn1 = RegisterModule("bn1", new BatchNorm2d(StemWidth));
        var inChannels = StemWidth;
        layer1 = RegisterModule("layer1", MakeStage(ref inChannels, outChannels[0], blocksPerStage[0]));
        layer2 = RegisterModule("layer2", MakeStage(ref inChannels, outChannels[1], blocksPerStage[1]));
        layer3 = RegisterModule("layer3", MakeStage(ref inChannels, outChannels[2], blocksPerStage[2]));
        conv2 = RegisterModule("conv2", Convs.Conv1x1(outChannels[2], outChannels[3]));
        bn2 = RegisterModule("bn2", new BatchNorm2d(outChannels[3]));
        linear = RegisterModule("linear", new Linear(outChannels[3], NumClasses));
    }

    private static BlockSequence MakeStage(ref long inChannels, long outChannels, int count)
    {
        if (count < 1) throw new ArgumentException("a ShuffleNet V2 stage needs at least one basic block");
        var blocks = new List<Module<Tensor, Tensor>> { new ShuffleV2DownBlock(inChannels, outChannels) };
        for (var i = 0; i < count; i++) blocks.Add(new ShuffleV2Block(outChannels));
        inChannels = outChannels;
        return new BlockSequence(blocks);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var h = input.Apply(conv1.Forward, bn1.Forward, F.Relu);
        features?.AddStage(h);
        h = RunStage(h, layer1, features);
        h = RunStage(h, layer2, features);
        h = RunStage(h, layer3, features);
        h = h.Consume(conv2.Forward, bn2.Forward, F.Relu);
        return Classify(h, 4, linear, features);
    }
}

/// <summary>
/// ShuffleNet V2 basic unit: split the channels in half, keep the first half, run the second through
/// 1×1-BN-ReLU, 3×3 depthwise-BN, 1×1-BN-ReLU, concatenate and shuffle (2 groups). Its pre-activation
/// output is the concatenation before the last ReLU and before the shuffle, as in the reference.
/// </summary>
public sealed class ShuffleV2Block : PreactModule
{
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly long channels, kept;

    public ShuffleV2Block(long channels)
    {
        this.channels = channels;
        kept = channels / 2;
        var processed = channels / 2;
        conv1 = RegisterModule("conv1", Convs.Conv1x1(processed, processed));
        bn1 = RegisterModule("bn1", new BatchNorm2d(processed));
        conv2 = RegisterModule("conv2", Convs.Conv3x3(processed, processed, groups: processed));
        bn2 = RegisterModule("bn2", new BatchNorm2d(processed));
        conv3 = RegisterModule("conv3", Convs.Conv1x1(processed, processed));
        bn3 = RegisterModule("bn3", new BatchNorm2d(processed));
    }

    public override Tensor Forward(Tensor input, bool wantPreact, out Tensor? preact)
    {
        using var x1 = input.Narrow(1, 0, kept);
        using var x2 = input.Narrow(1, kept, channels - kept);
        using var branchPreact = x2.Apply(conv1.Forward, bn1.Forward, F.Relu, conv2.Forward, bn2.Forward, conv3.Forward, bn3.Forward);
        using var branch = F.Relu(branchPreact);
        preact = wantPreact ? Tensors.Cat(new[] { x1, branchPreact }, 1) : null;
        using var joined = Tensors.Cat(new[] { x1, branch }, 1);
        return F.ChannelShuffle(joined, 2);
    }
}

/// <summary>
/// ShuffleNet V2 down-sampling unit. Left: 3×3 depthwise(s2)-BN, 1×1-BN-ReLU to half the output;
/// right: 1×1-BN-ReLU, 3×3 depthwise(s2)-BN, 1×1-BN-ReLU to the other half; concatenate and shuffle.
/// </summary>
public sealed class ShuffleV2DownBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2, conv3, conv4, conv5;
    private readonly BatchNorm2d bn1, bn2, bn3, bn4, bn5;

    public ShuffleV2DownBlock(long inChannels, long outChannels)
    {
        var mid = outChannels / 2;
        conv1 = RegisterModule("conv1", Convs.Conv3x3(inChannels, inChannels, stride: 2, groups: inChannels));
        bn1 = RegisterModule("bn1", new BatchNorm2d(inChannels));
        conv2 = RegisterModule("conv2", Convs.Conv1x1(inChannels, mid));
        bn2 = RegisterModule("bn2", new BatchNorm2d(mid));
        conv3 = RegisterModule("conv3", Convs.Conv1x1(inChannels, mid));
        bn3 = RegisterModule("bn3", new BatchNorm2d(mid));
        conv4 = RegisterModule("conv4", Convs.Conv3x3(mid, mid, stride: 2, groups: mid));
        bn4 = RegisterModule("bn4", new BatchNorm2d(mid));
        conv5 = RegisterModule("conv5", Convs.Conv1x1(mid, mid));
        bn5 = RegisterModule("bn5", new BatchNorm2d(mid));
    }

    public override Tensor Forward(Tensor input)
    {
        using var left = input.Apply(conv1.Forward, bn1.Forward, conv2.Forward, bn2.Forward, F.Relu);
        using var right = input.Apply(conv3.Forward, bn3.Forward, F.Relu, conv4.Forward, bn4.Forward, conv5.Forward, bn5.Forward, F.Relu);
        using var joined = Tensors.Cat(new[] { left, right }, 1);
        return F.ChannelShuffle(joined, 2);
    }
}
