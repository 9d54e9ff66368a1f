using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Demo;

/// <summary>The smallest network with every core layer: conv → BN → ReLU → max-pool → flatten → linear.</summary>
public static class TinyCnn
{
    /// <summary>For single-channel <paramref name="imageSize"/>² inputs (even size) and <paramref name="classes"/> outputs.</summary>
    public static Sequential Create(int imageSize, int classes, int channels = 8) =>
        new(
            new Conv2d(1, channels, 3, padding: 1, bias: false),
            new BatchNorm2d(channels),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(channels * (imageSize / 2) * (imageSize / 2), classes));
}
