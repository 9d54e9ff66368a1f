using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// Wide ResNets (Zagoruyko &amp; Komodakis; RepDistiller <c>wrn.py</c>): wrn_16_1, wrn_16_2,
/// wrn_40_1, wrn_40_2. Stem conv3×3 → 16 (no BN), three "NetworkBlocks" of (depth − 4)/6
/// pre-activation blocks at widths 16k, 32k, 64k and strides 1, 2, 2, final BN-ReLU, 8×8 average
/// pool, FC. Features: the stem output and the three block outputs; their pre-activation
/// counterparts are those outputs passed through the BN that follows them.
/// </summary>
public sealed class WideResNet : ZooModel
{
    private readonly Conv2d conv1;
    private readonly NetworkBlock block1, block2, block3;
    private readonly BatchNorm2d bn1;
    private readonly Linear fc;

    public WideResNet(string name, int depth, int widenFactor, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (depth < 10 || (depth - 4) % 6 != 0) throw new ArgumentException($"WRN depth must be 6n + 4 (10, 16, 22, ...), got {depth}");
        if (widenFactor < 1) throw new ArgumentException($"WRN widen factor must be at least 1, got {widenFactor}");
        var n = (depth - 4) / 6;
        long[] channels = { 16, 16 * widenFactor, 32 * widenFactor, 64 * widenFactor };
        conv1 = RegisterModule("conv1", new Conv2d(InChannels, channels[0], 3, padding: 1, bias: false));
        block1 = RegisterModule("block1", new NetworkBlock(n, channels[0], channels[1], 1));
        block2 = RegisterModule("block2", new NetworkBlock(n, channels[1], channels[2], 2));
        block3 = RegisterModule("block3", new NetworkBlock(n, channels[2], channels[3], 2));
        bn1 = RegisterModule("bn1", new BatchNorm2d(channels[3]));
        fc = RegisterModule("fc", new Linear(channels[3], NumClasses));
        ModelInit.ConvsNormalFanOut(this);
        ModelInit.LinearBiasesZero(this);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var f0 = conv1.Forward(input);
        features?.AddStage(f0);
        var f1 = f0.Consume(block1.Forward);
        RecordWithPreact(f1, block2.FirstBlock.Bn1, features);
        var f2 = f1.Consume(block2.Forward);
        RecordWithPreact(f2, block3.FirstBlock.Bn1, features);
        var f3 = f2.Consume(block3.Forward);
        RecordWithPreact(f3, bn1, features);
        var h = f3.Consume(bn1.Forward, F.Relu);
        return Classify(h, 8, fc, features);
    }

    /// <summary>
    /// The reference computes each pre-activation feature by calling the following BN module a second
    /// time on the stage output (<c>self.block2.layer[0].bn1(f1)</c>, ...). In training mode that second
    /// call updates the BN's running statistics and batch counter again, on every forward pass, so it
    /// is reproduced here, also on the logits-only path, to keep the trained statistics identical.
    /// In eval mode the call has no side effect and the logits-only path skips it.
    /// </summary>
    private void RecordWithPreact(Tensor feat, BatchNorm2d followingBn, FeatureCollector? features)
    {
        if (features is null && !Training) return;
        using var preact = followingBn.Forward(feat);
        features?.AddStage(feat, preact);
    }
}

/// <summary>WRN's stage: a Sequential of <see cref="WideBasicBlock"/>s registered as "layer".</summary>
public sealed class NetworkBlock : Module<Tensor, Tensor>
{
    private readonly Sequential layer;

    public NetworkBlock(int count, long inPlanes, long outPlanes, long stride)
    {
        var blocks = new Module<Tensor, Tensor>[count];
        for (var i = 0; i < count; i++) blocks[i] = new WideBasicBlock(i == 0 ? inPlanes : outPlanes, outPlanes, i == 0 ? stride : 1);
        layer = RegisterModule("layer", new Sequential(blocks));
        FirstBlock = (WideBasicBlock)blocks[0];
    }

    public WideBasicBlock FirstBlock { get; }

    public override Tensor Forward(Tensor input) => layer.Forward(input);
}

/// <summary>
/// WRN's pre-activation block: BN-ReLU-conv3×3(stride)-BN-ReLU-conv3×3 plus the input, or plus a 1×1
/// conv ("convShortcut") of the activated input when the width changes.
/// </summary>
public sealed class WideBasicBlock : Module<Tensor, Tensor>
{
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv1, conv2;
    private readonly Conv2d? convShortcut;

    public WideBasicBlock(long inPlanes, long outPlanes, long stride)
    {
        Bn1 = RegisterModule("bn1", new BatchNorm2d(inPlanes));
        conv1 = RegisterModule("conv1", Convs.Conv3x3(inPlanes, outPlanes, stride));
        bn2 = RegisterModule("bn2", new BatchNorm2d(outPlanes));
        conv2 = RegisterModule("conv2", Convs.Conv3x3(outPlanes, outPlanes));
        if (inPlanes != outPlanes) convShortcut = RegisterModule("convShortcut", Convs.Conv1x1(inPlanes, outPlanes, stride));
    }

    public BatchNorm2d Bn1 { get; }

    public override Tensor Forward(Tensor input)
    {
        using var activated = input.Apply(Bn1.Forward, F.Relu);
        using var branch = activated.Apply(conv1.Forward, bn2.Forward, F.Relu, conv2.Forward);
        if (convShortcut is null)
        {
            BatchNormFolding.NoteOtherUse(input); // the residual sum reads the block input as it is
            return input.Add(branch);
        }
        // With a width change the shortcut starts from the activated input, as in the reference.
        using var shortcut = convShortcut.Forward(activated);
        return shortcut.Add(branch);
    }
}
