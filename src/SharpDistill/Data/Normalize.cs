namespace SharpDistill.Data;

/// <summary>
/// torchvision's Normalize: per channel (x − mean) / std in single precision, as PyTorch computes
/// it (sub_ then div_ with float32 mean and std). The presets are the statistics the reference
/// recipes use.
/// </summary>
public sealed class Normalize
{
    /// <summary>CIFAR-100 training-set statistics (mdistiller/CRLD).</summary>
    public static readonly Normalize Cifar100 = new([0.5071f, 0.4867f, 0.4408f], [0.2675f, 0.2565f, 0.2761f]);

    /// <summary>ImageNet statistics, also used for Tiny-ImageNet.</summary>
    public static readonly Normalize ImageNet = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Fashion-MNIST training-set statistics (one channel).</summary>
    public static readonly Normalize FashionMnist = new([0.2860f], [0.3530f]);

    /// <summary>STL-10 statistics, as the CRD/DCD transfer scripts normalise it (docs/transfer.md).</summary>
    public static readonly Normalize Stl10 = new([0.4467f, 0.4398f, 0.4066f], [0.2603f, 0.2566f, 0.2712f]);

    /// <summary>Tiny-ImageNet statistics of the CRD/DCD transfer scripts (training uses <see cref="ImageNet"/>'s).</summary>
    public static readonly Normalize TinyImageNetTransfer = new([0.4802f, 0.4481f, 0.3975f], [0.2770f, 0.2691f, 0.2821f]);

    private readonly float[] mean;
    private readonly float[] std;

    /// <summary>Per-channel statistics of pixels scaled to [0, 1]; one mean and one std per channel.</summary>
    public Normalize(float[] mean, float[] std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Normalize needs one mean and one std per channel, got {mean.Length} means and {std.Length} stds");
        if (std.Any(s => !(s > 0) || float.IsInfinity(s)))
            throw new ArgumentException($"Normalize's std values must be positive and finite, got ({string.Join(", ", std)})");
        this.mean = (float[])mean.Clone();
        this.std = (float[])std.Clone();
    }

    public IReadOnlyList<float> Mean => mean;
    public IReadOnlyList<float> Std => std;

    /// <summary>A normalised copy of <paramref name="image"/>.</summary>
    public ChwImage Apply(ChwImage image)
    {
        if (image.Channels != mean.Length)
            throw new ArgumentException($"Normalize has statistics for {mean.Length} channels, the image has {image.Channels}");
        var plane = image.Height * image.Width;
        var data = new float[image.Data.Length];
        for (var c = 0; c < image.Channels; c++)
        {
            float m = mean[c], s = std[c];
            for (var i = c * plane; i < (c + 1) * plane; i++) data[i] = (image.Data[i] - m) / s;
        }
        return new ChwImage(image.Channels, image.Height, image.Width, data);
    }
}
