namespace SharpDistill.Data.Transforms;

/// <summary>torchvision's <c>RandomHorizontalFlip(p)</c>: mirror when a uniform draw is below p.</summary>
public sealed class RandomHorizontalFlip : IImageTransform
{
    public RandomHorizontalFlip(double probability = 0.5)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentException($"RandomHorizontalFlip probability must be in [0, 1], got {probability}");
        Probability = probability;
    }

    public double Probability { get; }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        return rng.NextDouble() < Probability ? Crop.FlipHorizontal(image) : image.Clone();
    }
}
