using System.Runtime.InteropServices;
using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>Facts about the loaded engine and process-wide settings.</summary>
public static class TorchRuntime
{
    /// <summary>The native shim's ABI version.</summary>
    public static int AbiVersion
    {
        get { Status.Check(Native.sd_abi_version(out var v)); return v; }
    }

    /// <summary>The version of the libtorch the shim was built against, e.g. "1.13.0".</summary>
    public static string LibTorchVersion
    {
        get { Status.Check(Native.sd_libtorch_version(out var p)); return Marshal.PtrToStringUTF8(p) ?? "?"; }
    }

    /// <summary>
    /// How the process's memory allocator was set up when the engine loaded: "tuned" (the shim keeps
    /// freed buffers for reuse instead of returning them to the kernel; README, "Speed"), "system"
    /// (SHARPDISTILL_ALLOCATOR=system) or "user" (MALLOC_* variables or GLIBC_TUNABLES were set and kept).
    /// </summary>
    public static string Allocator
    {
        get
        {
            Status.Check(Native.sd_allocator_mode(out var mode));
            return mode switch { 1 => "tuned", 2 => "user", _ => "system" };
        }
    }

    public static bool CudaIsAvailable
    {
        get { Status.Check(Native.sd_cuda_is_available(out var a)); return a != 0; }
    }

    public static int CudaDeviceCount
    {
        get { Status.Check(Native.sd_cuda_device_count(out var n)); return n; }
    }

    /// <summary>
    /// libtorch's intra-op thread count. Defaults to the machine's logical cores (or
    /// SHARPDISTILL_THREADS) when the engine is loaded.
    /// </summary>
    public static int Threads
    {
        get { Status.Check(Native.sd_get_num_threads(out var n)); return n; }
        set => Status.Check(Native.sd_set_num_threads(value));
    }

    /// <summary>Number of native tensor handles alive in the process (leak checks).</summary>
    public static long LiveTensorCount
    {
        get { Status.Check(Native.sd_live_tensor_count(out var n)); return n; }
    }

    /// <summary>Seeds libtorch's default CPU generator.</summary>
    public static void ManualSeed(ulong seed) => Status.Check(Native.sd_manual_seed(seed));

    /// <summary>Loads the engine now (instead of at the first operation); throws <see cref="LibTorchNotFoundException"/> if it cannot.</summary>
    public static void EnsureLoaded() => _ = AbiVersion;
}
