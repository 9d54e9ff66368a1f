using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class SampleRandomTests
{
    [Fact]
    public void Matches_the_reference_xoshiro256starstar_and_splitmix64()
    {
        // Reference outputs of Blackman and Vigna's xoshiro256** from state {1, 2, 3, 4}, and of
        // SplitMix64 from state 0.
        var random = SampleRandom.FromState(1, 2, 3, 4);
        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL],
            new[] { random.NextUInt64(), random.NextUInt64(), random.NextUInt64(), random.NextUInt64() });
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeedMixer.SplitMix64(ref state));
    }

    [Fact]
    public void Same_seed_same_sequence_different_seed_different_sequence()
    {
        static double[] Draw(ulong seed)
        {
            var r = new SampleRandom(seed);
            return Enumerable.Range(0, 16).Select(_ => r.NextDouble()).ToArray();
        }
        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_cover_it()
    {
        var r = new SampleRandom(7);
        var seen = new int[6];
        for (var i = 0; i < 6000; i++)
        {
            var v = r.Next(-2, 4);
            Assert.InRange(v, -2, 3);
            seen[v + 2]++;
            Assert.InRange(r.Next(10), 0, 9);
            Assert.InRange(r.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue - 1);
            var d = r.NextDouble();
            Assert.True(d is >= 0 and < 1);
            var f = r.NextSingle();
            Assert.True(f is >= 0 and < 1);
        }
        Assert.All(seen, count => Assert.InRange(count, 850, 1150)); // 1000 expected each
        Assert.Equal(0, r.Next(0));
        Assert.Equal(0, r.Next(1));
        Assert.Equal(5, r.Next(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.Next(3, 2));
    }

    [Fact]
    public void Uniform_double_has_the_right_mean_and_variance()
    {
        var r = new SampleRandom(123);
        var xs = Enumerable.Range(0, 100_000).Select(_ => r.NextDouble()).ToArray();
        Assert.InRange(xs.Average(), 0.497, 0.503);
        Assert.InRange(xs.Select(x => (x - 0.5) * (x - 0.5)).Average(), 1 / 12.0 - 0.002, 1 / 12.0 + 0.002);
    }

    [Fact]
    public void Seeds_differ_by_epoch_index_and_purpose()
    {
        var seeds = new HashSet<ulong>();
        for (var epoch = 0; epoch < 4; epoch++)
        {
            Assert.True(seeds.Add(SeedMixer.ForEpochOrder(1, epoch)));
            for (var index = 0; index < 1000; index++) Assert.True(seeds.Add(SeedMixer.ForSample(1, epoch, index)));
        }
        Assert.NotEqual(SeedMixer.ForSample(1, 0, 0), SeedMixer.ForSample(2, 0, 0));
        Assert.Equal(SeedMixer.ForSample(9, 3, 17), SeedMixer.ForSample(9, 3, 17));
    }

    [Fact]
    public void NextBytes_fills_every_byte()
    {
        var r = new SampleRandom(5);
        var buffer = new byte[13];
        r.NextBytes(buffer);
        var again = new byte[13];
        new SampleRandom(5).NextBytes(again.AsSpan());
        Assert.Equal(buffer, again);
        Assert.Contains(buffer[8..], b => b != 0);
    }
}
