using System.Net;
using System.Net.Sockets;
using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>The communication library behind a <see cref="ProcessGroup"/>.</summary>
public enum DistributedBackend
{
    /// <summary>gloo over TCP: CPU tensors; always available.</summary>
    Gloo = 0,

    /// <summary>NCCL: CUDA tensors; only when the shim was built against a CUDA libtorch with NCCL.</summary>
    Nccl = 1,
}

/// <summary>How <see cref="ProcessGroup.AllReduce(Tensor, ReduceOp)"/> combines the ranks' tensors.</summary>
public enum ReduceOp
{
    Sum = 0,
    Average = 1,
}

/// <summary>
/// A group of processes that communicate through libtorch's c10d (ProcessGroupGloo or
/// ProcessGroupNCCL): rank 0 hosts a TCPStore at host:port, every rank joins it, and the
/// collectives are libtorch's own. Every call is synchronous and bounded by the timeout given at
/// creation; a peer that died, hung or cannot be reached raises <see cref="TorchDistributedException"/>.
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private readonly ProcessGroupHandle _handle;

    public int Rank { get; }
    public int WorldSize { get; }
    public DistributedBackend Backend { get; }
    public TimeSpan Timeout { get; }

    private ProcessGroup(ProcessGroupHandle handle, int rank, int worldSize, DistributedBackend backend, TimeSpan timeout)
    {
        _handle = handle;
        Rank = rank;
        WorldSize = worldSize;
        Backend = backend;
        Timeout = timeout;
    }

    /// <summary>Whether this build of the shim can create groups of <paramref name="backend"/>.</summary>
    public static bool IsAvailable(DistributedBackend backend)
    {
        Status.Check(Native.sd_dist_backend_available((int)backend, out var available));
        return available != 0;
    }

    /// <summary>
    /// A loopback port nothing listens on at this moment: the rendezvous port for a job on one machine
    /// (the OS picks it; another process could still take it before rank 0 binds it).
    /// </summary>
    public static int FreeLocalPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Joins the group (rank 0 also hosts the store); returns when all ranks have joined, or fails
    /// after <paramref name="joinTimeout"/>. <paramref name="timeout"/> bounds every later call.
    /// </summary>
    public static ProcessGroup Create(string host, int port, int rank, int worldSize, TimeSpan joinTimeout, TimeSpan timeout,
        DistributedBackend backend = DistributedBackend.Gloo)
    {
        Status.Check(Native.sd_dist_init(host, port, rank, worldSize, Milliseconds(joinTimeout), Milliseconds(timeout), (int)backend, out var handle));
        return new ProcessGroup(handle, rank, worldSize, backend, timeout);
    }

    private static long Milliseconds(TimeSpan t) => (long)Math.Ceiling(t.TotalMilliseconds);

    /// <summary>Overwrites <paramref name="tensor"/> with rank <paramref name="root"/>'s copy.</summary>
    public void Broadcast(Tensor tensor, int root = 0) => Status.Check(Native.sd_dist_broadcast(_handle, tensor.Handle, root));

    /// <summary>Reduces <paramref name="tensor"/> in place across the group.</summary>
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => Status.Check(Native.sd_dist_all_reduce(_handle, tensor.Handle, (int)op));

    /// <summary>
    /// Reduces a bucket of tensors (same dtype and device) in one collective: they are flattened into
    /// one buffer, reduced, and the result copied back into each of them in place.
    /// </summary>
    public unsafe void AllReduceBucket(IReadOnlyList<Tensor> tensors, ReduceOp op = ReduceOp.Sum)
    {
        var status = HandleList.With(tensors, raw =>
        {
            fixed (IntPtr* p = raw) return Native.sd_dist_all_reduce_bucket(_handle, p, raw.Length, (int)op);
        });
        Status.Check(status);
    }

    /// <summary>Returns when every rank has called it.</summary>
    public void Barrier() => Status.Check(Native.sd_dist_barrier(_handle));

    /// <summary>Leaves the group.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>The native group, for <see cref="GradientReducer"/> and <see cref="NN.SyncBatchNorm"/>.</summary>
    internal ProcessGroupHandle Handle => _handle;
}
