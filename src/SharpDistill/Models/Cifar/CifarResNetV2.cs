using SharpDistill.Models.Blocks;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models.Cifar;

/// <summary>
/// The ImageNet-depth ResNets adapted to CIFAR (RepDistiller <c>resnetv2.py</c>): ResNet18 and
/// ResNet50 on CIFAR-100 and Tiny-ImageNet. Stem conv3×3 stride 1 (64) + BN + ReLU, no max-pool,
/// four stages (64, 128, 256, 512 planes; strides 1, 2, 2, 2), global average pool, "linear".
/// Features: the stem output and the four stage outputs.
/// </summary>
public sealed class CifarResNetV2 : ZooModel
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly BlockSequence[] layers;
    private readonly Linear linear;

    /// <param name="bottleneck">Bottleneck blocks (ResNet50) instead of BasicBlocks (ResNet18).</param>
    /// <param name="blocksPerStage">Blocks in each of the four stages, e.g. [2, 2, 2, 2].</param>
    public CifarResNetV2(string name, bool bottleneck, IReadOnlyList<int> blocksPerStage, ModelOptions? options = null)
        : base(name, ModelFamily.Cifar, options ?? new())
    {
        if (blocksPerStage.Count != 4) throw new ArgumentException($"ResNet needs 4 stage lengths, got {blocksPerStage.Count}");
        conv1 = RegisterModule("conv1", new Conv2d(InChannels, 64, 3, padding: 1, bias: false));
        bn1 = RegisterModule("bn1", new BatchNorm2d(64));
        long inPlanes = 64;
        long[] planes = { 64, 128, 256, 512 };
        layers = new BlockSequence[4];
        for (var s = 0; s < 4; s++)
        {
            var blocks = new List<Module<Tensor, Tensor>>();
            for (var i = 0; i < blocksPerStage[s]; i++)
            {
                var stride = i == 0 && s > 0 ? 2 : 1;
                ResidualBlock block = bottleneck
                    ? new Bottleneck(inPlanes, planes[s], stride, "shortcut")
                    : new BasicBlock(inPlanes, planes[s], stride, "shortcut");
                blocks.Add(block);
                inPlanes = block.OutPlanes;
            }
            layers[s] = RegisterModule($"layer{s + 1}", new BlockSequence(blocks));
        }
        linear = RegisterModule("linear", new Linear(inPlanes, NumClasses));
        ModelInit.ConvsNormalFanOut(this);
    }

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var h = input.Apply(conv1.Forward, bn1.Forward, F.Relu);
        features?.AddStage(h);
        foreach (var layer in layers) h = RunStage(h, layer, features);
        // The reference pools adaptively (AdaptiveAvgPool2d((1, 1))) in every variant.
        return Classify(h, null, linear, features);
    }
}
