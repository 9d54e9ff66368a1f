namespace SharpDistill.Data.Transforms;

/// <summary>Applies its steps in order, threading the same random source through all of them.</summary>
public class Compose : IImageTransform
{
    public Compose(params IImageTransform[] steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        for (int i = 0; i < steps.Length; i++)
            if (steps[i] is null) throw new ArgumentNullException(nameof(steps), $"pipeline step {i} is null");
        Steps = steps;
    }

    public IReadOnlyList<IImageTransform> Steps { get; }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        foreach (var step in Steps) image = step.Apply(image, rng);
        return image;
    }
}
