using SharpDistill.Data;
using SharpDistill.Distributed;
using SharpDistill.Tests.Data;

namespace SharpDistill.Tests.Distributed;

public class DistributedSamplerTests
{
    [Fact]
    public void TrainingShardsAreDisjointPaddedAndEqual()
    {
        var order = Enumerable.Range(0, 10).Select(i => 100 + i).ToArray();
        var shards = Enumerable.Range(0, 3).Select(r => new DistributedSampler(r, 3, Pad: true).Shard(order)).ToList();
        Assert.All(shards, s => Assert.Equal(4, s.Length)); // 10 padded to 12
        Assert.Equal(new[] { 100, 103, 106, 109 }, shards[0]);
        Assert.Equal(new[] { 101, 104, 107, 100 }, shards[1]); // padded with the order's first sample
        Assert.Equal(new[] { 102, 105, 108, 101 }, shards[2]);
        Assert.Equal(order, shards.SelectMany(s => s).Distinct().Order());
    }

    [Fact]
    public void EvaluationShardsCoverEverySampleOnce()
    {
        var order = Enumerable.Range(0, 10).ToArray();
        var shards = Enumerable.Range(0, 3).Select(r => new DistributedSampler(r, 3, Pad: false).Shard(order)).ToList();
        Assert.Equal(new[] { 4, 3, 3 }, shards.Select(s => s.Length));
        Assert.Equal(order, shards.SelectMany(s => s).Order());
    }

    [Fact]
    public void TheLoaderShuffleIsSharedAndEachRankReadsItsShardEveryEpoch()
    {
        var dataset = new InMemoryDataset("toy", Enumerable.Range(0, 10).Select(i => Images.Pattern(2, 2, 1, i)).ToArray(),
            Enumerable.Range(0, 10).Select(i => i % 2).ToArray(), numClasses: 2);
        DataLoader Loader(int rank) => new(dataset, new ImagePipeline(null), new DataLoaderOptions
        {
            BatchSize = 2, Seed = 5, Workers = 0, Sampler = new DistributedSampler(rank, 2, Pad: true),
        });
        var full = new DataLoader(dataset, new ImagePipeline(null), new DataLoaderOptions { BatchSize = 2, Seed = 5, Workers = 0 });
        foreach (var epoch in new[] { 1, 2 })
        {
            var whole = full.EpochOrder(epoch);
            var a = Loader(0).EpochOrder(epoch);
            var b = Loader(1).EpochOrder(epoch);
            Assert.Equal(whole.Where((_, i) => i % 2 == 0), a);
            Assert.Equal(whole.Where((_, i) => i % 2 == 1), b);
            Assert.Empty(a.Intersect(b));
        }
        Assert.NotEqual(full.EpochOrder(1), full.EpochOrder(2));
        Assert.Equal(3, Loader(0).BatchesPerEpoch); // 5 samples per rank, batches of 2
    }
}
