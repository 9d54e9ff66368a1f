using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// MobileNetV2 for CIFAR (RepDistiller <c>mobilenetv2.py</c>; "MobileNetV2" in the configs is
/// <c>mobile_half</c>: expansion 6, width ×0.5). Stem conv3×3 stride 2 + BN + ReLU ("conv1"),
/// seven groups of inverted residuals ("blocks"), 1×1 conv to 1280 + BN + ReLU ("conv2"), average
/// pool, "classifier" (a Sequential holding one Linear). Features: the stem output and the outputs
/// of groups 1, 2, 4 and 6. The reference defines no pre-activation features for this model; the
/// group outputs end in a linear BN anyway, so the pre-activation list repeats the features.
/// </summary>
public sealed class MobileNetV2 : ZooModel
{
    // (expansion t, output channels c, blocks n, stride s) before width scaling.
    private static readonly (int T, int C, int N, int S)[] Setting =
    {
        (1, 16, 1, 1), (-1, 24, 2, 1), (-1, 32, 3, 2), (-1, 64, 4, 2), (-1, 96, 3, 1), (-1, 160, 3, 2), (-1, 320, 1, 1),
    };

    private const int LastChannel = 1280;

    private readonly Sequential conv1, blocks, conv2, classifier;

    /// <param name="expansion">T: the expansion ratio of every group but the first (which uses 1).</param>
    /// <param name="widthMultiplier">Channel scaling (0.5 for mobile_half).</param>
    public MobileNetV2(string name, int expansion, double widthMultiplier, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (expansion < 1) throw new ArgumentException($"expansion must be at least 1, got {expansion}");
        if (widthMultiplier <= 0) throw new ArgumentException($"width multiplier must be positive, got {widthMultiplier}");
        long inputChannel = (int)(32 * widthMultiplier);
        conv1 = RegisterModule("conv1", new Sequential(
            Convs.Conv3x3(InChannels, inputChannel, stride: 2), new BatchNorm2d(inputChannel), new ReLU()));
        blocks = new Sequential();
        foreach (var (t, c, n, s) in Setting)
        {
            long outputChannel = (int)(c * widthMultiplier);
            var group = new Sequential();
            for (var i = 0; i < n; i++)
            {
                group.Append(new InvertedResidual(inputChannel, outputChannel, i == 0 ? s : 1, t < 0 ? expansion : t));
                inputChannel = outputChannel;
            }
            blocks.Append(group);
        }
        RegisterModule("blocks", blocks);
        long lastChannel = widthMultiplier > 1.0 ? (int)(LastChannel * widthMultiplier) : LastChannel;
        conv2 = RegisterModule("conv2", new Sequential(
            Convs.Conv1x1(inputChannel, lastChannel), new BatchNorm2d(lastChannel), new ReLU()));
        classifier = RegisterModule("classifier", new Sequential(new Linear(lastChannel, NumClasses)));
        ModelInit.ConvsNormalFanOut(this);
        ModelInit.LinearsNormal(this, 0.01);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var h = conv1.Forward(input);
        features?.AddStage(h);
        for (var g = 0; g < blocks.Count; g++)
        {
            h = h.Consume(blocks[g].Forward);
            // Feature taps after groups 1, 2, 4 and 6 (16×16, 8×8, 4×4, 2×2 for a 32-pixel input).
            if (g is 1 or 2 or 4 or 6) features?.AddStage(h);
        }
        h = h.Consume(conv2.Forward);
        // Reference: AvgPool2d(input_size // 16 = 2, ceil_mode=True) on the 2×2 final map.
        return Classify(h, 2, classifier, features);
    }
}

/// <summary>
/// MobileNetV2's inverted residual: "conv" = 1×1 expand-BN-ReLU (present even for expansion 1),
/// 3×3 depthwise(stride)-BN-ReLU, 1×1 project-BN; the input is added when the stride is 1 and the
/// width does not change.
/// </summary>
public sealed class InvertedResidual : Module<Tensor, Tensor>
{
    private readonly Sequential conv;
    private readonly bool useResidual;

    public InvertedResidual(long inPlanes, long outPlanes, long stride, int expandRatio)
    {
        if (stride is not (1 or 2)) throw new ArgumentException($"inverted residual stride must be 1 or 2, got {stride}");
        var hidden = inPlanes * expandRatio;
        useResidual = stride == 1 && inPlanes == outPlanes;
        conv = RegisterModule("conv", new Sequential(
            Convs.Conv1x1(inPlanes, hidden), new BatchNorm2d(hidden), new ReLU(),
            Convs.Conv3x3(hidden, hidden, stride, groups: hidden), new BatchNorm2d(hidden), new ReLU(),
            Convs.Conv1x1(hidden, outPlanes), new BatchNorm2d(outPlanes)));
    }

    public override Tensor Forward(Tensor input)
    {
        var branch = conv.Forward(input);
        if (!useResidual) return branch;
        using (branch) return input.Add(branch);
    }
}
