using SharpDistill.Config;

namespace SharpDistill.Distributed;

/// <summary>
/// solver.batch_size is the global batch in every run: a data-parallel job of W ranks loads
/// batch_size / W samples per rank and step, so the recipe (and its learning rate) does not change
/// with the number of processes.
/// </summary>
public static class DistributedBatch
{
    public static int PerRank(int globalBatch, DistributedContext? context)
    {
        if (context == null || context.WorldSize == 1) return globalBatch;
        if (globalBatch % context.WorldSize != 0)
            throw new ConfigException(
                $"solver.batch_size is {globalBatch}, the global batch, which {context.WorldSize} processes cannot split evenly; " +
                $"choose a multiple of {context.WorldSize} (each process then takes batch_size / {context.WorldSize})");
        return globalBatch / context.WorldSize;
    }
}
