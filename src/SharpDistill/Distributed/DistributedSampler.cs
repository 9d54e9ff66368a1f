namespace SharpDistill.Distributed;

/// <summary>
/// Which part of an epoch's sample order one rank reads (PyTorch's DistributedSampler semantics):
/// every rank computes the same seeded order for the epoch, and rank r takes positions r, r + W,
/// r + 2W, … of it, so the shards are disjoint and together cover the epoch.
/// </summary>
/// <param name="Rank">This process's rank.</param>
/// <param name="WorldSize">Number of ranks.</param>
/// <param name="Pad">
/// Training: repeat the order's first samples until its length divides by the world size, so every
/// rank runs the same number of steps (collectives need all ranks). Evaluation: no padding, so no
/// test sample is counted twice; ranks may then hold one sample more or less.
/// </param>
public sealed record DistributedSampler(int Rank, int WorldSize, bool Pad)
{
    /// <summary>Number of samples of a dataset of <paramref name="count"/> that this rank reads per epoch.</summary>
    public int ShardSize(int count)
    {
        if (Pad) return (count + WorldSize - 1) / WorldSize;
        return count / WorldSize + (Rank < count % WorldSize ? 1 : 0);
    }

    /// <summary>This rank's part of the epoch order <paramref name="order"/>.</summary>
    public int[] Shard(int[] order)
    {
        var size = ShardSize(order.Length);
        var shard = new int[size];
        if (order.Length == 0) return shard;
        for (var k = 0; k < size; k++) shard[k] = order[(Rank + k * WorldSize) % order.Length];
        return shard;
    }
}
