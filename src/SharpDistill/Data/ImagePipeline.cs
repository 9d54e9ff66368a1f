namespace SharpDistill.Data;

/// <summary>
/// A single-view transform: the 8-bit steps in order, then ToTensor, then an optional Normalize —
/// torchvision's Compose([..., ToTensor(), Normalize(...)]). With no steps it is the test-time
/// pipeline.
/// </summary>
public sealed class ImagePipeline : ISampleTransform
{
    private readonly IImageTransform[] steps;

    public ImagePipeline(IEnumerable<IImageTransform> steps, Normalize? normalize)
    {
        this.steps = steps.ToArray();
        Normalize = normalize;
    }

    public ImagePipeline(Normalize? normalize, params IImageTransform[] steps) : this(steps, normalize) { }

    public IReadOnlyList<IImageTransform> Steps => steps;
    public Normalize? Normalize { get; }

    public int ViewCount => 1;

    public ChwImage[] Apply(ByteImage image, Random random) => [ApplyOne(image, random)];

    /// <summary>The single view, without the array.</summary>
    public ChwImage ApplyOne(ByteImage image, Random random)
    {
        foreach (var step in steps) image = step.Apply(image, random);
        var tensor = ToTensor.Apply(image);
        return Normalize?.Apply(tensor) ?? tensor;
    }
}
