using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Torch;

namespace SharpDistill.Distributed;

/// <summary>
/// Where this process sits in a data-parallel job, read from the environment variables torchrun
/// sets (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), so SharpDistill workers can be
/// started by `sharpdistill launch`, by torchrun itself, or by a cluster scheduler (docs/distributed.md).
/// </summary>
public sealed record DistributedContext(int Rank, int WorldSize, int LocalRank, string MasterAddress, int MasterPort, TimeSpan Timeout)
{
    public const string RankVariable = "RANK", WorldSizeVariable = "WORLD_SIZE", LocalRankVariable = "LOCAL_RANK",
        MasterAddressVariable = "MASTER_ADDR", MasterPortVariable = "MASTER_PORT";

    /// <summary>Seconds a collective may wait for the other ranks before the job stops with an error.</summary>
    public const string TimeoutVariable = "SHARPDISTILL_DIST_TIMEOUT";

    /// <summary>When gradients are all-reduced: "overlap" (during backward, the default) or "after-backward".</summary>
    public const string GradientSyncVariable = "SHARPDISTILL_GRAD_SYNC";

    /// <summary>Gradient bucket size in MiB (default 25, DDP's bucket_cap_mb); fractions allowed.</summary>
    public const string BucketSizeVariable = "SHARPDISTILL_BUCKET_MB";

    /// <summary>When this job all-reduces its gradients (<see cref="GradientSyncVariable"/>).</summary>
    public GradientSync GradientSync { get; init; } = GradientSync.Overlapped;

    /// <summary>The most bytes of gradients in one bucket (<see cref="BucketSizeVariable"/>).</summary>
    public long BucketBytes { get; init; } = GradientAverager.DefaultBucketBytes;

    /// <summary>
    /// Default of <see cref="TimeoutVariable"/>: long enough for a slow step or evaluation on a busy
    /// machine, short enough that a hung worker is reported well within a minute. A worker that
    /// dies is noticed at once (its sockets close); the timeout only bounds a worker that hangs.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a rank waits for the others to join: workers start at different times (process
    /// start, dataset and teacher loading), more so on a loaded machine.
    /// </summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Rank 0: the one process that writes logs, checkpoints and reports.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>
    /// The job this process belongs to, or null when WORLD_SIZE is not set (a plain single-process run).
    /// A variable that is set but wrong raises one <see cref="ConfigException"/> naming it.
    /// </summary>
    public static DistributedContext? FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var worldText = read(WorldSizeVariable);
        if (string.IsNullOrWhiteSpace(worldText)) return null;
        var world = Whole(WorldSizeVariable, worldText, 1, 65536);
        var rank = Whole(RankVariable, Required(read, RankVariable), 0, world - 1);
        var localRank = read(LocalRankVariable) is { Length: > 0 } local ? Whole(LocalRankVariable, local, 0, world - 1) : rank;
        var address = read(MasterAddressVariable);
        if (string.IsNullOrWhiteSpace(address))
        {
            if (world > 1) throw Missing(MasterAddressVariable);
            address = "127.0.0.1";
        }
        var portText = read(MasterPortVariable);
        if (string.IsNullOrWhiteSpace(portText) && world > 1) throw Missing(MasterPortVariable);
        var port = string.IsNullOrWhiteSpace(portText) ? 29500 : Whole(MasterPortVariable, portText, 1, 65535);
        var timeout = DefaultTimeout;
        if (read(TimeoutVariable) is { Length: > 0 } timeoutText)
        {
            if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > 86400)
                throw new ConfigException($"{TimeoutVariable} is '{timeoutText}': expected a number of seconds greater than 0 and at most 86400");
            timeout = TimeSpan.FromSeconds(seconds);
        }
        return new DistributedContext(rank, world, localRank, address.Trim(), port, timeout)
        {
            GradientSync = ReadGradientSync(read(GradientSyncVariable)),
            BucketBytes = ReadBucketBytes(read(BucketSizeVariable)),
        };
    }

    /// <summary>Chooses the communication library: gloo, nccl, or unset for the default (docs/distributed.md).</summary>
    public const string BackendVariable = "SHARPDISTILL_DIST_BACKEND";

    /// <summary>
    /// The device this rank trains on. A plain "cuda" means one GPU per process, as torchrun jobs
    /// do: the rank's LOCAL_RANK-th device. An explicit index (cuda:0) is kept, so several processes
    /// can share one GPU (then only gloo can connect them: NCCL needs one GPU per rank).
    /// </summary>
    public Device DeviceFor(Device configured)
    {
        if (configured.Type != DeviceType.Cuda || configured.Index >= 0) return configured;
        var count = TorchRuntime.CudaDeviceCount;
        if (LocalRank >= count)
            throw new ConfigException(
                $"experiment.device is 'cuda' and {LocalRankVariable} is {LocalRank}, but this machine has {count} CUDA device(s): " +
                "start at most one process per GPU, or name one device (cuda:0) for processes that share it");
        return new Device(DeviceType.Cuda, LocalRank);
    }

    /// <summary>
    /// The backend for tensors on <paramref name="device"/>: what <see cref="BackendVariable"/> says,
    /// else NCCL for CUDA tensors where the shim has it (as PyTorch recommends) and gloo otherwise.
    /// </summary>
    public static DistributedBackend BackendFor(Device device, Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var text = read(BackendVariable)?.Trim().ToLowerInvariant();
        var ncclAvailable = ProcessGroup.IsAvailable(DistributedBackend.Nccl);
        switch (text)
        {
            case null or "":
                return device.Type == DeviceType.Cuda && ncclAvailable ? DistributedBackend.Nccl : DistributedBackend.Gloo;
            case "gloo":
                return DistributedBackend.Gloo;
            case "nccl" when device.Type != DeviceType.Cuda:
                throw new ConfigException($"{BackendVariable} is 'nccl' but this run trains on {device}: NCCL reduces CUDA tensors only; use gloo");
            case "nccl" when !ncclAvailable:
                throw new ConfigException($"{BackendVariable} is 'nccl' but this shim was built without NCCL (libtorch {TorchRuntime.LibTorchVersion}); use gloo");
            case "nccl":
                return DistributedBackend.Nccl;
            default:
                throw new ConfigException($"{BackendVariable} is '{read(BackendVariable)}': expected gloo or nccl");
        }
    }

    /// <summary>
    /// Joins the job's process group (<paramref name="backend"/>, gloo by default); returns once
    /// every rank has joined or the join timeout passed.
    /// </summary>
    public ProcessGroup Join(DistributedBackend backend = DistributedBackend.Gloo)
    {
        try
        {
            return ProcessGroup.Create(MasterAddress, MasterPort, Rank, WorldSize, JoinTimeout, Timeout, backend);
        }
        catch (TorchDistributedException e)
        {
            throw new DistributedFailureException(
                $"rank {Rank} of {WorldSize} could not join the job at {MasterAddress}:{MasterPort} (all ranks must arrive within {JoinTimeout.TotalMinutes:0} min): {e.Message}", e);
        }
    }

    private static GradientSync ReadGradientSync(string? text) => text?.Trim() switch
    {
        null or "" or "overlap" => GradientSync.Overlapped,
        "after-backward" => GradientSync.AfterBackward,
        _ => throw new ConfigException($"{GradientSyncVariable} is '{text}': expected overlap or after-backward"),
    };

    private static long ReadBucketBytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return GradientAverager.DefaultBucketBytes;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var mib) || !(mib >= 1e-6) || mib > 65536)
            throw new ConfigException($"{BucketSizeVariable} is '{text}': expected a size in MiB from 0.000001 to 65536");
        return Math.Max(1, (long)Math.Round(mib * (1 << 20)));
    }

    private static string Required(Func<string, string?> read, string name) =>
        read(name) is { Length: > 0 } value ? value : throw Missing(name);

    private static ConfigException Missing(string name) =>
        new($"{WorldSizeVariable} is set but {name} is not: a distributed worker needs {RankVariable}, {WorldSizeVariable}, " +
            $"{MasterAddressVariable} and {MasterPortVariable} (`sharpdistill launch` sets them)");

    private static int Whole(string name, string text, int min, int max)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ConfigException($"{name} is '{text}': expected a whole number from {min} to {max}");
        return value;
    }
}
