namespace SharpDistill.Data;

/// <summary>
/// A seedable <see cref="Random"/> on xoshiro256** (Blackman and Vigna), seeded through SplitMix64
/// from a 64-bit seed. System.Random's own seeded generator keeps only a 31-bit seed, so with
/// one generator per sample two samples of the same epoch would often share their random draws;
/// with 64 bits they practically never do. The sequence is fixed by this file, not by the .NET
/// version, so runs are reproducible across upgrades.
/// </summary>
public sealed class SampleRandom : Random
{
    private ulong s0, s1, s2, s3;

    public SampleRandom(ulong seed)
    {
        var x = seed;
        s0 = SeedMixer.SplitMix64(ref x);
        s1 = SeedMixer.SplitMix64(ref x);
        s2 = SeedMixer.SplitMix64(ref x);
        s3 = SeedMixer.SplitMix64(ref x);
    }

    /// <summary>A generator in a given raw state (for checking against the reference implementation).</summary>
    internal static SampleRandom FromState(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro256** cannot run from the all-zero state");
        var random = new SampleRandom(0);
        (random.s0, random.s1, random.s2, random.s3) = (s0, s1, s2, s3);
        return random;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire's multiply-and-reject).</summary>
    private ulong NextBelow(ulong bound)
    {
        var high = Math.BigMul(NextUInt64(), bound, out var low);
        if (low < bound)
        {
            var threshold = (0 - bound) % bound;
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return high;
    }

    public override int Next() => (int)NextBelow(int.MaxValue);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)NextBelow((ulong)maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + (long)NextBelow((ulong)((long)maxValue - minValue)));
    }

    public override long NextInt64() => (long)NextBelow(long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)NextBelow((ulong)maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (long)((ulong)minValue + NextBelow((ulong)maxValue - (ulong)minValue));
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i += 8)
        {
            var bits = NextUInt64();
            for (var j = 0; j < 8 && i + j < buffer.Length; j++) buffer[i + j] = (byte)(bits >> (8 * j));
        }
    }

    protected override double Sample() => NextDouble();
}
