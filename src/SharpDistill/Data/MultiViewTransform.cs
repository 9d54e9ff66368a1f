namespace SharpDistill.Data;

/// <summary>
/// Several transforms applied to the same decoded image, their views concatenated in order. CRLD's
/// training transform is <c>new MultiViewTransform(weak, strong)</c>: two views whose random draws
/// are independent, because both pipelines draw in turn (weak first, then strong, as the reference
/// code runs them) from the one per-sample generator.
/// </summary>
public sealed class MultiViewTransform : ISampleTransform
{
    private readonly ISampleTransform[] parts;

    public MultiViewTransform(params ISampleTransform[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("a multi-view transform needs at least one part", nameof(parts));
        this.parts = parts;
        ViewCount = parts.Sum(p => p.ViewCount);
    }

    public int ViewCount { get; }

    public ChwImage[] Apply(ByteImage image, Random random)
    {
        var views = new ChwImage[ViewCount];
        var n = 0;
        foreach (var part in parts)
        {
            var produced = part.Apply(image, random);
            if (produced.Length != part.ViewCount)
                throw new InvalidOperationException($"{part.GetType().Name} declared {part.ViewCount} views but returned {produced.Length}");
            produced.CopyTo(views, n);
            n += produced.Length;
        }
        return views;
    }
}
