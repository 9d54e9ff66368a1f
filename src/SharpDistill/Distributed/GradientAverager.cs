using System.Diagnostics;
using SharpDistill.Torch;

namespace SharpDistill.Distributed;

/// <summary>When the gradient buckets are all-reduced (docs/distributed.md, "Gradient synchronisation").</summary>
public enum GradientSync
{
    /// <summary>
    /// Each bucket's all-reduce starts during the backward pass, as soon as its gradients are ready,
    /// so communication overlaps the rest of the backward pass (the default).
    /// </summary>
    Overlapped,

    /// <summary>Every bucket is all-reduced, one after the other, after the whole backward pass.</summary>
    AfterBackward,
}

/// <summary>
/// Averages the gradients of a set of parameters across the ranks, in buckets: each bucket's
/// gradients are flattened into one buffer, all-reduced by the process group in one collective,
/// and copied back (PyTorch DDP's scheme, docs/distributed.md). With the per-rank batch = global
/// batch / world size, the averaged gradient equals the gradient of the mean loss over the global
/// batch, so the optimizer step is the single-process one.
/// </summary>
/// <remarks>
/// Buckets hold the parameters in reverse order (the last layers' gradients are computed first).
/// <see cref="GradientSync.Overlapped"/> starts a bucket's all-reduce from a hook during the
/// backward pass and <see cref="Average"/> waits for them; <see cref="GradientSync.AfterBackward"/>
/// does all of them in <see cref="Average"/>. Parameters without a gradient this step are skipped;
/// which parameters receive one is the same on every rank, because the forward pass does not
/// branch on the data.
/// </remarks>
public sealed class GradientAverager : IDisposable
{
    /// <summary>The default bucket size, DDP's bucket_cap_mb = 25.</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ProcessGroup group;
    private readonly IReadOnlyList<IReadOnlyList<Tensor>> buckets;
    private readonly GradientReducer? reducer;
    private readonly Stopwatch communication = new();

    public GradientAverager(ProcessGroup group, IEnumerable<Tensor> parameters, long bucketBytes = DefaultBucketBytes,
        GradientSync sync = GradientSync.Overlapped)
    {
        if (bucketBytes < 1) throw new ArgumentOutOfRangeException(nameof(bucketBytes), bucketBytes, "a bucket must hold at least one byte");
        this.group = group;
        Sync = sync;
        buckets = Partition(parameters.Reverse().ToList(), bucketBytes);
        if (sync == GradientSync.Overlapped) reducer = new GradientReducer(group, buckets);
    }

    public GradientSync Sync { get; }

    /// <summary>Number of buckets (collectives per step).</summary>
    public int BucketCount => buckets.Count;

    /// <summary>
    /// Time spent in <see cref="Average"/> so far: overlapped, the wait for the all-reduces still
    /// running after the backward pass; after backward, the whole all-reduce.
    /// </summary>
    public TimeSpan CommunicationTime => communication.Elapsed;

    /// <summary>Steps whose gradients were averaged so far.</summary>
    public int Steps { get; private set; }

    /// <summary>The overlapped reducer's counters (null after backward).</summary>
    public GradientReducerStatistics? Statistics => reducer?.Statistics;

    /// <summary>Replaces every parameter's gradient with its mean over the ranks (after backward, before the optimizer step).</summary>
    public void Average()
    {
        Steps++;
        communication.Start();
        try
        {
            if (reducer != null) reducer.Finish();
            else AverageAfterBackward();
        }
        finally
        {
            communication.Stop();
        }
    }

    private void AverageAfterBackward()
    {
        foreach (var bucket in buckets)
        {
            var grads = new List<Tensor>(bucket.Count);
            try
            {
                foreach (var parameter in bucket)
                    if (parameter.Grad is { } grad) grads.Add(grad);
                if (grads.Count > 0) group.AllReduceBucket(grads, ReduceOp.Average);
            }
            finally
            {
                foreach (var grad in grads) grad.Dispose();
            }
        }
    }

    /// <summary>Consecutive parameters of one dtype and device, up to <paramref name="bucketBytes"/> each.</summary>
    private static List<IReadOnlyList<Tensor>> Partition(List<Tensor> parameters, long bucketBytes)
    {
        var result = new List<IReadOnlyList<Tensor>>();
        var current = new List<Tensor>();
        long bytes = 0;
        foreach (var parameter in parameters)
        {
            var size = parameter.NumEl * parameter.DType.ElementSize();
            var fits = current.Count == 0 ||
                       (bytes + size <= bucketBytes && current[0].DType == parameter.DType && current[0].Device.Equals(parameter.Device));
            if (!fits)
            {
                result.Add(current);
                current = new List<Tensor>();
                bytes = 0;
            }
            current.Add(parameter);
            bytes += size;
        }
        if (current.Count > 0) result.Add(current);
        return result;
    }

    public void Dispose() => reducer?.Dispose();
}
