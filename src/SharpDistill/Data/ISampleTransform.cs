namespace SharpDistill.Data;

/// <summary>
/// Turns one decoded sample into the float view(s) the model sees. A plain pipeline returns one
/// view; CRLD's weak + strong pair is a transform returning two views of the same image (see
/// <see cref="MultiViewTransform"/>).
/// </summary>
/// <remarks>
/// Every random decision must be drawn from <paramref name="random"/> in Apply: the loader gives each
/// sample its own generator, derived from (seed, epoch, sample index), so augmentations are
/// reproducible whatever the number of worker threads. Implementations must be thread-safe (keep
/// no mutable state) and must not modify the input image.
/// </remarks>
public interface ISampleTransform
{
    /// <summary>How many views <see cref="Apply"/> returns (always the same number).</summary>
    int ViewCount { get; }

    /// <summary>The views of <paramref name="image"/>, each CHW float.</summary>
    ChwImage[] Apply(ByteImage image, Random random);
}

/// <summary>
/// One step on 8-bit images (a crop, a flip, RandAugment…), applied before ToTensor. The same
/// rules as <see cref="ISampleTransform"/>: randomness only from the given generator, no mutable
/// state, input never modified.
/// </summary>
public interface IImageTransform
{
    ByteImage Apply(ByteImage image, Random random);
}
