using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Blocks;

/// <summary>Convolution helpers with the reference models' conventions (no bias unless stated).</summary>
internal static class Convs
{
    public static Conv2d Conv3x3(long inPlanes, long outPlanes, long stride = 1, long groups = 1, bool bias = false) =>
        new(inPlanes, outPlanes, 3, stride, padding: 1, groups: groups, bias: bias);

    public static Conv2d Conv1x1(long inPlanes, long outPlanes, long stride = 1, long groups = 1, bool bias = false) =>
        new(inPlanes, outPlanes, 1, stride, groups: groups, bias: bias);

    /// <summary>The projection shortcut: 1×1 conv(stride) + BN, as an nn.Sequential ("0", "1").</summary>
    public static Sequential Projection(long inPlanes, long outPlanes, long stride) =>
        new(Conv1x1(inPlanes, outPlanes, stride), new BatchNorm2d(outPlanes));
}

/// <summary>Where a residual block applies its ReLU.</summary>
public enum ResidualActivation
{
    /// <summary>ReLU(branch(x) + shortcut(x)): the classic block (CIFAR resnet.py, resnetv2.py).</summary>
    AtOutput,

    /// <summary>
    /// branch(r) + shortcut(r) with r = ReLU(x): mdistiller's ImageNet ResNets move each block's final
    /// ReLU to the next block's input so that stage outputs are pre-activation. The function is the
    /// same as torchvision's and the parameters are identical, so torchvision weights load as they are.
    /// </summary>
    AtInput,
}

/// <summary>
/// Residual blocks (He et al.). With <see cref="ResidualActivation.AtOutput"/> the output is
/// ReLU(branch(x) + shortcut(x)) and the pre-activation output is the sum; with
/// <see cref="ResidualActivation.AtInput"/> the output is the sum itself. Used by the CIFAR ResNets
/// (resnet.py: shortcut named "downsample"), the CIFAR ResNet18/50 (resnetv2.py: "shortcut") and the
/// ImageNet ResNets ("downsample", activation at input).
/// </summary>
public abstract class ResidualBlock : PreactModule
{
    private readonly Sequential? shortcut;
    private readonly ResidualActivation activation;

    protected ResidualBlock(long inPlanes, long outPlanes, long stride, string shortcutName, ResidualActivation activation)
    {
        InPlanes = inPlanes;
        OutPlanes = outPlanes;
        Stride = stride;
        ShortcutName = shortcutName;
        this.activation = activation;
        if (stride != 1 || inPlanes != outPlanes) shortcut = Convs.Projection(inPlanes, outPlanes, stride);
    }

    public long InPlanes { get; }
    public long OutPlanes { get; }
    public long Stride { get; }

    /// <summary>Where the block applies its ReLU (read by the ONNX exporter).</summary>
    public ResidualActivation Activation => activation;

    protected string ShortcutName { get; }

    /// <summary>Registers the shortcut after the branch layers, where the reference registers it.</summary>
    protected void RegisterShortcut()
    {
        if (shortcut is not null) RegisterModule(ShortcutName, shortcut);
    }

    /// <summary>The residual branch up to (and including) its last BN.</summary>
    protected abstract Tensor Branch(Tensor input);

    public override Tensor Forward(Tensor input, bool wantPreact, out Tensor? preact)
    {
        if (activation == ResidualActivation.AtInput)
        {
            using var activated = F.Relu(input);
            var result = Residual(activated);
            preact = wantPreact ? result.Alias() : null;
            return result;
        }
        var sum = Residual(input);
        var output = F.Relu(sum);
        if (wantPreact) preact = sum;
        else
        {
            sum.Dispose();
            preact = null;
        }
        return output;
    }

    private Tensor Residual(Tensor x)
    {
        using var branch = Branch(x);
        if (shortcut is null)
        {
            BatchNormFolding.NoteOtherUse(x); // the residual sum reads the block input as it is
            return branch.Add(x);
        }
        using var projected = shortcut.Forward(x);
        return branch.Add(projected);
    }
}

/// <summary>conv3×3(stride)-BN-ReLU-conv3×3-BN; expansion 1.</summary>
public sealed class BasicBlock : ResidualBlock
{
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;

    public BasicBlock(long inPlanes, long planes, long stride, string shortcutName,
        ResidualActivation activation = ResidualActivation.AtOutput) : base(inPlanes, planes, stride, shortcutName, activation)
    {
        conv1 = RegisterModule("conv1", Convs.Conv3x3(inPlanes, planes, stride));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        conv2 = RegisterModule("conv2", Convs.Conv3x3(planes, planes));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        RegisterShortcut();
    }

    protected override Tensor Branch(Tensor input) =>
        input.Apply(conv1.Forward, bn1.Forward, F.Relu, conv2.Forward, bn2.Forward);
}

/// <summary>conv1×1-BN-ReLU-conv3×3(stride)-BN-ReLU-conv1×1(×4)-BN; expansion 4, stride on the 3×3.</summary>
public sealed class Bottleneck : ResidualBlock
{
    public const int Expansion = 4;
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;

    public Bottleneck(long inPlanes, long planes, long stride, string shortcutName,
        ResidualActivation activation = ResidualActivation.AtOutput) : base(inPlanes, planes * Expansion, stride, shortcutName, activation)
    {
        conv1 = RegisterModule("conv1", Convs.Conv1x1(inPlanes, planes));
        bn1 = RegisterModule("bn1", new BatchNorm2d(planes));
        conv2 = RegisterModule("conv2", Convs.Conv3x3(planes, planes, stride));
        bn2 = RegisterModule("bn2", new BatchNorm2d(planes));
        conv3 = RegisterModule("conv3", Convs.Conv1x1(planes, planes * Expansion));
        bn3 = RegisterModule("bn3", new BatchNorm2d(planes * Expansion));
        RegisterShortcut();
    }

    protected override Tensor Branch(Tensor input) =>
        input.Apply(conv1.Forward, bn1.Forward, F.Relu, conv2.Forward, bn2.Forward, F.Relu, conv3.Forward, bn3.Forward);
}
