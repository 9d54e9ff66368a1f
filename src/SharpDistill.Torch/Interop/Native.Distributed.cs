using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

// P/Invoke declarations of native/include/sd_distributed.h.
internal static unsafe partial class Native
{
    [LibraryImport(Library)] internal static partial int sd_dist_backend_available(int backend, out int available);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int sd_dist_init(string host, int port, int rank, int worldSize, long joinTimeoutMs, long timeoutMs, int backend, out ProcessGroupHandle group);
    [LibraryImport(Library)] internal static partial int sd_dist_free(IntPtr group);
    [LibraryImport(Library)] internal static partial int sd_dist_broadcast(ProcessGroupHandle group, TensorHandle tensor, int root);
    [LibraryImport(Library)] internal static partial int sd_dist_all_reduce(ProcessGroupHandle group, TensorHandle tensor, int op);
    [LibraryImport(Library)] internal static partial int sd_dist_all_reduce_bucket(ProcessGroupHandle group, IntPtr* tensors, long count, int op);
    [LibraryImport(Library)] internal static partial int sd_dist_barrier(ProcessGroupHandle group);
    [LibraryImport(Library)]
    internal static partial int sd_dist_sync_batch_norm(ProcessGroupHandle group, TensorHandle input, TensorHandle weight, TensorHandle bias,
        TensorHandle runningMean, TensorHandle runningVar, double momentum, double eps, out TensorHandle output);
}

/// <summary>Owns a native process group (and the TCPStore it rendezvoused through).</summary>
internal sealed class ProcessGroupHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    public ProcessGroupHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle() => Native.sd_dist_free(handle) == 0;
}

// The gradient reducer of native/include/sd_distributed.h (buckets all-reduced during backward).
internal static unsafe partial class Native
{
    [LibraryImport(Library)]
    internal static partial int sd_dist_reducer_create(ProcessGroupHandle group, IntPtr* parameters, long count, long* bucketSizes, long bucketCount,
        long timeoutMs, out GradientReducerHandle reducer);
    [LibraryImport(Library)] internal static partial int sd_dist_reducer_finish(GradientReducerHandle reducer);
    [LibraryImport(Library)]
    internal static partial int sd_dist_reducer_stats(GradientReducerHandle reducer, out long steps, out long launchedInBackward, out long launchedEarly,
        out long launchedAtFinish, out long redoneSteps);
    [LibraryImport(Library)] internal static partial int sd_dist_reducer_free(IntPtr reducer);
}

/// <summary>Owns a native gradient reducer (and the hooks it put on the parameters' gradient accumulators).</summary>
internal sealed class GradientReducerHandle : Microsoft.Win32.SafeHandles.SafeHandleZeroOrMinusOneIsInvalid
{
    public GradientReducerHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle() => Native.sd_dist_reducer_free(handle) == 0;
}
