using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>Counters of a <see cref="GradientReducer"/> since it was created.</summary>
/// <param name="Steps">Finished steps (calls of <see cref="GradientReducer.Finish"/>).</param>
/// <param name="StartedDuringBackward">Bucket all-reduces started by a gradient hook, i.e. inside a backward pass.</param>
/// <param name="StartedEarly">
/// Of those, the ones started while other gradients of the same backward pass were still to come:
/// communication that overlapped the rest of the backward pass.
/// </param>
/// <param name="StartedAtFinish">Bucket all-reduces started by <see cref="GradientReducer.Finish"/> (a bucket with a parameter that got no gradient, or no backward pass at all).</param>
/// <param name="RedoneSteps">Steps whose gradients changed after their bucket was sent, so they were reduced again after the backward pass.</param>
public readonly record struct GradientReducerStatistics(long Steps, long StartedDuringBackward, long StartedEarly, long StartedAtFinish, long RedoneSteps);

/// <summary>
/// Averages the gradients of a fixed list of parameters over a <see cref="ProcessGroup"/>, in
/// buckets whose all-reduce starts during the backward pass, as soon as every parameter of the
/// bucket has its gradient (hooks on libtorch's gradient accumulators; docs/distributed.md,
/// "Gradient synchronisation"). Call <see cref="Finish"/> once after each step's backward pass(es)
/// and before the optimizer step; it waits for the collectives and writes the averages back.
/// Every rank must run the same backward passes over the same parameters.
/// </summary>
public sealed class GradientReducer : IDisposable
{
    private readonly GradientReducerHandle _handle;

    /// <param name="group">The ranks to average over.</param>
    /// <param name="buckets">
    /// The parameters, bucket by bucket (each bucket one dtype and device, no parameter twice).
    /// Buckets start in this order on every rank; list first the parameters whose gradients
    /// come first in the backward pass (the last layers).
    /// </param>
    public unsafe GradientReducer(ProcessGroup group, IReadOnlyList<IReadOnlyList<Tensor>> buckets)
    {
        var parameters = buckets.SelectMany(b => b).ToList();
        var sizes = buckets.Select(b => (long)b.Count).ToArray();
        GradientReducerHandle? handle = null;
        var status = HandleList.With(parameters, raw =>
        {
            fixed (IntPtr* p = raw)
            fixed (long* s = sizes)
            {
                var code = Native.sd_dist_reducer_create(group.Handle, p, raw.Length, s, sizes.Length,
                    (long)Math.Ceiling(group.Timeout.TotalMilliseconds), out var created);
                handle = created;
                return code;
            }
        });
        Status.Check(status);
        _handle = handle!;
        BucketCount = buckets.Count;
    }

    /// <summary>Number of buckets (collectives per step).</summary>
    public int BucketCount { get; }

    /// <summary>
    /// Waits for every bucket's all-reduce (starting those the backward pass did not), replaces each
    /// gradient by its mean over the ranks, and gets ready for the next step. A peer that died or
    /// hung raises <see cref="TorchDistributedException"/> within the group's timeout.
    /// </summary>
    public void Finish() => Status.Check(Native.sd_dist_reducer_finish(_handle));

    /// <summary>What the reducer did so far (for diagnostics and tests).</summary>
    public GradientReducerStatistics Statistics
    {
        get
        {
            Status.Check(Native.sd_dist_reducer_stats(_handle, out var steps, out var inBackward, out var early, out var atFinish, out var redone));
            return new GradientReducerStatistics(steps, inBackward, early, atFinish, redone);
        }
    }

    /// <summary>Removes the hooks (not while a backward pass runs).</summary>
    public void Dispose() => _handle.Dispose();
}
