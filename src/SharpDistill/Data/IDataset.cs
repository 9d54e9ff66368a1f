namespace SharpDistill.Data;

/// <summary>
/// A labelled image dataset: <see cref="Count"/> samples, each an 8-bit image and a class label in
/// [0, <see cref="NumClasses"/>).
/// </summary>
/// <remarks>
/// <see cref="Get"/> must be safe to call from several threads at once (the <see cref="DataLoader"/>
/// decodes in parallel) and returns an image the caller may keep: transforms never mutate their
/// input, but a dataset must not hand out its own storage either.
/// </remarks>
public interface IDataset
{
    /// <summary>A short name for messages and logs, e.g. "cifar100/train".</summary>
    string Name { get; }

    int Count { get; }

    int NumClasses { get; }

    /// <summary>The class names, NumClasses of them, in label order.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The images' channels and, for datasets whose images all have one size, that size.</summary>
    ImageGeometry Geometry { get; }

    /// <summary>Sample <paramref name="index"/> (0 ≤ index &lt; Count), decoded.</summary>
    LabeledImage Get(int index);
}

/// <summary>One sample: an image and its class label. Deconstructs as <c>var (image, label) = ...</c>.</summary>
public readonly record struct LabeledImage(ByteImage Image, int Label);

/// <summary>
/// What a dataset's images look like: always <see cref="Channels"/> channels; <see cref="Width"/> and
/// <see cref="Height"/> are set when every image has that size (CIFAR, MNIST, Tiny-ImageNet) and
/// null when sizes vary (ImageNet, arbitrary image folders).
/// </summary>
public sealed record ImageGeometry(int Channels, int? Width = null, int? Height = null)
{
    public bool IsFixedSize => Width.HasValue && Height.HasValue;

    public override string ToString() => IsFixedSize ? $"{Width}x{Height}x{Channels}" : $"variable size x{Channels}";
}
