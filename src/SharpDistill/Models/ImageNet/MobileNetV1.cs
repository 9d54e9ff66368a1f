using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.ImageNet;

/// <summary>
/// MobileNetV1 for ImageNet (mdistiller <c>imagenet/mobilenetv1.py</c>): "model" is a Sequential of
/// a conv3×3 stride-2 stem (32) + BN + ReLU and 13 depthwise-separable units (dw3×3-BN-ReLU,
/// pw1×1-BN-ReLU), then a 7×7 average pool and "fc"; PyTorch's default initialisation. Features:
/// the outputs of units 3, 5, 11 and 13 (128×56×56 … 1024×7×7); pre-activation features: the same
/// before their last ReLU.
/// </summary>
public sealed class MobileNetV1 : ZooModel
{
    // (output channels, stride) of the 13 depthwise-separable units.
    private static readonly (long Out, long Stride)[] Units =
    {
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    };

    // Indices into "model" whose outputs are features.
    private static readonly int[] FeatureUnits = { 3, 5, 11, 13 };

    private readonly Sequential model;
    private readonly Linear fc;

    public MobileNetV1(string name, ModelOptions? options = null) : base(name, ModelFamily.ImageNet, options ?? new())
    {
        model = new Sequential(new Sequential(Convs.Conv3x3(InChannels, 32, stride: 2), new BatchNorm2d(32), new ReLU()));
        long inPlanes = 32;
        foreach (var (outPlanes, stride) in Units)
        {
            model.Append(new Sequential(
                Convs.Conv3x3(inPlanes, inPlanes, stride, groups: inPlanes), new BatchNorm2d(inPlanes), new ReLU(),
                Convs.Conv1x1(inPlanes, outPlanes), new BatchNorm2d(outPlanes), new ReLU()));
            inPlanes = outPlanes;
        }
        RegisterModule("model", model);
        fc = RegisterModule("fc", new Linear(inPlanes, NumClasses));
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        Tensor? h = null;
        var next = 0;
        foreach (var tap in FeatureUnits)
        {
            // Units before the tap run whole; the tap unit stops before its last ReLU.
            for (; next < tap; next++) h = Step(h, input, model[next].Forward);
            var unit = (Sequential)model[tap];
            for (var layer = 0; layer < unit.Count - 1; layer++) h = Step(h, input, unit[layer].Forward);
            next = tap + 1;
            var preact = h!;
            h = F.Relu(preact);
            using (preact) features?.AddStage(h, preact);
        }
        return Classify(h!, 7, fc, features);
    }

    /// <summary>Applies <paramref name="f"/> to the current value (the model input at first), disposing the previous intermediate.</summary>
    private static Tensor Step(Tensor? current, Tensor input, Func<Tensor, Tensor> f) =>
        current is null ? f(input) : current.Consume(f);
}
