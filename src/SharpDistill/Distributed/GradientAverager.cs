using System.Diagnostics;
using SharpDistill.Torch;

namespace SharpDistill.Distributed;

/// <summary>
/// Averages the gradients of a set of parameters across the ranks after each backward pass, in
/// buckets: each bucket's gradients are flattened into one buffer, all-reduced by the process
/// group in one collective, and copied back (PyTorch DDP's scheme, docs/distributed.md). With the
/// per-rank batch = global batch / world size, the averaged gradient equals the gradient of the
/// mean loss over the global batch, so the optimizer step is the single-process one.
/// </summary>
/// <remarks>
/// The reduction runs after the whole backward pass: libtorch's C++ API gives no per-parameter
/// ready hooks through our shim, so communication does not overlap computation. Parameters
/// without a gradient this step are skipped; which parameters receive one is the same on every
/// rank, because the forward pass does not branch on the data.
/// </remarks>
public sealed class GradientAverager
{
    /// <summary>The default bucket size, DDP's bucket_cap_mb = 25.</summary>
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ProcessGroup group;
    private readonly IReadOnlyList<IReadOnlyList<Tensor>> buckets;
    private readonly Stopwatch communication = new();

    public GradientAverager(ProcessGroup group, IEnumerable<Tensor> parameters, long bucketBytes = DefaultBucketBytes)
    {
        if (bucketBytes < 1) throw new ArgumentOutOfRangeException(nameof(bucketBytes), bucketBytes, "a bucket must hold at least one byte");
        this.group = group;
        buckets = Partition(parameters.ToList(), bucketBytes);
    }

    /// <summary>Number of buckets (collectives per step).</summary>
    public int BucketCount => buckets.Count;

    /// <summary>Total time spent in the gradient all-reduces so far.</summary>
    public TimeSpan CommunicationTime => communication.Elapsed;

    /// <summary>Steps whose gradients were averaged so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Replaces every parameter's gradient with its mean over the ranks.</summary>
    public void Average()
    {
        Steps++;
        foreach (var bucket in buckets)
        {
            var grads = new List<Tensor>(bucket.Count);
            try
            {
                foreach (var parameter in bucket)
                    if (parameter.Grad is { } grad) grads.Add(grad);
                if (grads.Count == 0) continue;
                communication.Start();
                try
                {
                    group.AllReduceBucket(grads, ReduceOp.Average);
                }
                finally
                {
                    communication.Stop();
                }
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
}
