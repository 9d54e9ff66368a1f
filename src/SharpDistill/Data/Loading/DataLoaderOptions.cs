namespace SharpDistill.Data;

/// <summary>How a <see cref="DataLoader"/> batches, orders and parallelises.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Reorder the samples every epoch; the order of epoch e depends only on (Seed, e).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Drop the last batch of an epoch when it is smaller than BatchSize (PyTorch's drop_last).</summary>
    public bool DropLast { get; init; }

    /// <summary>Seed of the shuffles and of every sample's augmentation draws.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads that read, decode and augment batches in the background; 0 builds each batch on the caller's thread.</summary>
    public int Workers { get; init; }

    /// <summary>
    /// Most batches built or being built ahead of the consumer (memory bound); null means two per
    /// worker, like PyTorch's prefetch_factor = 2.
    /// </summary>
    public int? PrefetchBatches { get; init; }

    /// <summary>
    /// Data-parallel training: the rank's shard of every epoch (null: the whole dataset). The
    /// shuffle is the same on every rank (same Seed), so the shards are disjoint.
    /// </summary>
    public Distributed.DistributedSampler? Sampler { get; init; }

    internal int EffectivePrefetch => PrefetchBatches ?? Math.Max(1, 2 * Workers);

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (Workers < 0) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "worker count cannot be negative");
        if (Sampler is { } sampler && (sampler.WorldSize < 1 || sampler.Rank < 0 || sampler.Rank >= sampler.WorldSize))
            throw new ArgumentOutOfRangeException(nameof(Sampler), sampler.Rank, $"rank must be in 0..{sampler.WorldSize - 1}");
        if (PrefetchBatches is < 1)
            throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches, "prefetch must be at least 1 batch");
    }
}
