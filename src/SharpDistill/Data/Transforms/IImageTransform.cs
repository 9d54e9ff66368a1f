namespace SharpDistill.Data.Transforms;

/// <summary>
/// One step of an image pipeline. The caller passes the random source explicitly, so a data loader
/// can give every sample its own seeded <see cref="Random"/> and get the same views on every run,
/// whatever the thread that happens to process the sample. Implementations never mutate their
/// input and never keep random state of their own, so one instance can be shared by all loader
/// threads.
/// </summary>
public interface IImageTransform
{
    ByteImage Apply(ByteImage image, Random rng);
}
