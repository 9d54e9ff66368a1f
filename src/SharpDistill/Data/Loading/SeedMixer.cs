namespace SharpDistill.Data;

/// <summary>
/// Derives independent 64-bit seeds from (run seed, epoch, sample index) with SplitMix64's
/// finaliser, so that an epoch's order and a sample's augmentation depend on those numbers only —
/// never on thread scheduling, batch size or the order in which samples are processed.
/// </summary>
public static class SeedMixer
{
    // Distinct stream tags keep the shuffle and the per-sample draws from sharing a seed.
    private const ulong OrderStream = 0x6f72646572UL;   // "order"
    private const ulong SampleStream = 0x73616d706c65UL; // "sample"

    /// <summary>The seed of epoch <paramref name="epoch"/>'s shuffle.</summary>
    public static ulong ForEpochOrder(ulong seed, long epoch) => Combine(Combine(Combine(seed, OrderStream), (ulong)epoch), 0);

    /// <summary>The seed of the random draws for sample <paramref name="index"/> in epoch <paramref name="epoch"/>.</summary>
    public static ulong ForSample(ulong seed, long epoch, long index) =>
        Combine(Combine(Combine(seed, SampleStream), (ulong)epoch), (ulong)index);

    /// <summary>SplitMix64's output function: a bijective 64-bit mix with good avalanche.</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>One step of the SplitMix64 generator.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Finalize(state);
    }

    private static ulong Combine(ulong h, ulong value) => Finalize(h ^ Finalize(value + 0x9E3779B97F4A7C15UL));
}
