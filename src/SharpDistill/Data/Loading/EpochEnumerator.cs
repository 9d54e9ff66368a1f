using System.Runtime.ExceptionServices;

namespace SharpDistill.Data;

/// <summary>
/// Runs one epoch of a <see cref="DataLoader"/>: hands out batches in order while worker threads
/// build the next ones. A worker takes a permit before claiming a batch and the consumer returns
/// it when it takes that batch, so at most PrefetchBatches batches exist ahead of the consumer.
/// Batches are claimed in increasing order, so the one the consumer waits for is always being built.
/// </summary>
internal sealed class EpochEnumerator : IEnumerator<Batch>
{
    private readonly DataLoader loader;
    private readonly int epoch;
    private readonly int[] order;
    private readonly int batchCount;
    private readonly object gate = new();
    private readonly (Batch? Batch, ExceptionDispatchInfo? Error, bool Done)[] results;
    private readonly CancellationTokenSource cancel = new();
    private SemaphoreSlim? permits;
    private Thread[]? workers;
    private int nextToClaim;
    private int nextToYield;
    private bool disposed;
    private Batch? current;

    public EpochEnumerator(DataLoader loader, int epoch)
    {
        this.loader = loader;
        this.epoch = epoch;
        order = loader.EpochOrder(epoch);
        batchCount = loader.BatchesPerEpoch;
        results = new (Batch?, ExceptionDispatchInfo?, bool)[batchCount];
    }

    public Batch Current => current ?? throw new InvalidOperationException("MoveNext has not produced a batch");
    object System.Collections.IEnumerator.Current => Current;

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        current = null;
        if (nextToYield >= batchCount) return false;
        var number = nextToYield++;
        if (loader.Options.Workers == 0)
        {
            current = loader.BuildBatch(epoch, number, Indices(number), CancellationToken.None);
            return true;
        }

        if (workers == null) StartWorkers();
        (Batch? Batch, ExceptionDispatchInfo? Error, bool Done) result;
        lock (gate)
        {
            while (!results[number].Done) Monitor.Wait(gate);
            result = results[number];
            results[number] = default;
        }
        permits!.Release();
        result.Error?.Throw();
        current = result.Batch;
        return true;
    }

    public void Reset() => throw new NotSupportedException("start a new epoch enumeration instead");

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        cancel.Cancel();
        if (workers != null)
            foreach (var worker in workers) worker.Join();
        lock (gate)
        {
            for (var i = 0; i < results.Length; i++)
            {
                results[i].Batch?.Dispose();
                results[i] = default;
            }
        }
        permits?.Dispose();
        cancel.Dispose();
    }

    private ReadOnlySpan<int> Indices(int number)
    {
        var start = number * loader.Options.BatchSize;
        return order.AsSpan(start, Math.Min(loader.Options.BatchSize, order.Length - start));
    }

    private void StartWorkers()
    {
        permits = new SemaphoreSlim(loader.Options.EffectivePrefetch);
        workers = new Thread[loader.Options.Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = $"sharpdistill-loader-{i}" };
            workers[i].Start();
        }
    }

    private void Work()
    {
        var token = cancel.Token;
        try
        {
            while (true)
            {
                permits!.Wait(token);
                var number = Interlocked.Increment(ref nextToClaim) - 1;
                if (number >= batchCount) return;
                (Batch?, ExceptionDispatchInfo?, bool) result;
                try { result = (loader.BuildBatch(epoch, number, Indices(number), token), null, true); }
                catch (OperationCanceledException) when (token.IsCancellationRequested) { return; }
                catch (Exception e) { result = (null, ExceptionDispatchInfo.Capture(e), true); }
                lock (gate)
                {
                    results[number] = result;
                    Monitor.PulseAll(gate);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }
}
