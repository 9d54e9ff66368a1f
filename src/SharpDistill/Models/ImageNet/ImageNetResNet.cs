using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.ImageNet;

/// <summary>
/// ResNet18/34/50/101 for ImageNet (mdistiller <c>imagenet/resnet.py</c>, torchvision's layout and
/// state-dict keys): 7×7 stride-2 stem + BN + ReLU, 3×3 stride-2 max-pool, four stages
/// (64, 128, 256, 512 planes; strides 1, 2, 2, 2; stride on the 3×3 in Bottlenecks), 7×7 average
/// pool, "fc". As in mdistiller each block's final ReLU runs at the next block's input, so the stage
/// outputs are pre-activation. Features: ReLU of the stem (before the max-pool) and of the four stage
/// outputs; pre-activation features: the same without the ReLU.
/// </summary>
public sealed class ImageNetResNet : ZooModel
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential[] layers = new Sequential[4];
    private readonly Linear fc;

    public ImageNetResNet(string name, bool bottleneck, IReadOnlyList<int> blocksPerStage, ModelOptions? options = null)
        : base(name, ModelFamily.ImageNet, options ?? new())
    {
        if (blocksPerStage.Count != 4) throw new ArgumentException($"ResNet needs 4 stage lengths, got {blocksPerStage.Count}");
        conv1 = RegisterModule("conv1", new Conv2d(InChannels, 64, 7, stride: 2, padding: 3, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        long inPlanes = 64;
        long[] planes = { 64, 128, 256, 512 };
        for (var s = 0; s < 4; s++)
        {
            var stage = new Sequential();
            for (var i = 0; i < blocksPerStage[s]; i++)
            {
                var stride = i == 0 && s > 0 ? 2 : 1;
                ResidualBlock block = bottleneck
                    ? new Bottleneck(inPlanes, planes[s], stride, "downsample", ResidualActivation.AtInput)
                    : new BasicBlock(inPlanes, planes[s], stride, "downsample", ResidualActivation.AtInput);
                stage.Append(block);
                inPlanes = block.OutPlanes;
            }
            layers[s] = RegisterModule($"layer{s + 1}", stage);
        }
        fc = RegisterModule("fc", new Linear(inPlanes, NumClasses));
        // Conv N(0, √(2/n)), BN 1/0 as in the reference; fc keeps PyTorch's default.
        ModelInit.ConvsNormalFanOut(this);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        Tensor h;
        using (var stem = input.Apply(conv1.Forward, bn1.Forward))
        using (var activated = F.Relu(stem))
        {
            features?.AddStage(activated, stem);
            h = F.MaxPool2d(activated, 3, 2, 1);
        }
        for (var s = 0; s < 4; s++)
        {
            // Blocks activate their own input, so the stage outputs are passed on pre-activation.
            h = h.Consume(layers[s].Forward);
            if (features is not null && s < 3)
            {
                using var activated = F.Relu(h);
                features.AddStage(activated, h);
            }
        }
        var final = F.Relu(h);
        using (h) features?.AddStage(final, h);
        return Classify(final, 7, fc, features);
    }
}
