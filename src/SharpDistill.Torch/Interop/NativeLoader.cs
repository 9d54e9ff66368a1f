using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

/// <summary>
/// Finds and loads the native shim (and through it libtorch), then checks that the shim's ABI
/// version is the one this assembly was written against. Any failure becomes one
/// <see cref="LibTorchNotFoundException"/> that names the library, the reason, and how to fix it.
/// </summary>
internal static unsafe class NativeLoader
{
    /// <summary>The ABI version this assembly's P/Invoke declarations match (SD_ABI_VERSION).</summary>
    public const int ExpectedAbiVersion = 4;

    public const string FileName = "libsharpdistill_native.so";

    /// <summary>Environment variable with an explicit path to the shim.</summary>
    public const string PathVariable = "SHARPDISTILL_NATIVE";

    /// <summary>Environment variable that overrides libtorch's intra-op thread count at load.</summary>
    public const string ThreadsVariable = "SHARPDISTILL_THREADS";

    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    private static readonly object LoadGate = new();
    private static IntPtr loaded;

    // The runtime calls the resolver once per P/Invoke entry point, not once per library: load,
    // check and configure the shim only the first time, or the default thread count would be
    // re-applied (overriding TorchRuntime.Threads) whenever a not-yet-used export is first called.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Native.Library) return IntPtr.Zero;
        lock (LoadGate)
        {
            if (loaded == IntPtr.Zero) loaded = Load();
            return loaded;
        }
    }

    /// <summary>The allocator policy applied when the shim was loaded (null before).</summary>
    public static AllocatorPolicy? AppliedAllocatorPolicy { get; private set; }

    private static IntPtr Load()
    {
        // Read before loading anything: a bad value is the user's error, not a missing library.
        var allocator = AllocatorPolicy.FromEnvironment(Environment.GetEnvironmentVariable);
        var candidates = Candidates().ToList();
        var failures = new List<string>();
        foreach (var path in candidates)
        {
            if (!File.Exists(path)) continue;
            try
            {
                var handle = NativeLibrary.Load(path);
                CheckAbi(handle, path);
                ApplyAllocatorPolicy(handle, allocator);
                ApplyDefaultThreads(handle);
                return handle;
            }
            catch (EntryPointNotFoundException)
            {
                // A library that loads but lacks our exports: another project's .so, or libtorch itself.
                failures.Add($"{path} is not the SharpDistill native shim (it has no sd_abi_version export)");
            }
            catch (DllNotFoundException e)
            {
                failures.Add($"{path}: {e.Message}");
            }
            catch (BadImageFormatException e)
            {
                failures.Add($"{path}: {e.Message}");
            }
        }
        var reason = failures.Count > 0
            ? string.Join("; ", failures)
            : $"{FileName} was not found (searched: {string.Join(", ", candidates)})";
        throw new LibTorchNotFoundException(
            $"Cannot load the SharpDistill native shim: {reason}. " +
            "It needs libtorch: on Debian 12 run 'sudo apt-get install libtorch-dev' and rebuild with 'dotnet build'; " +
            "for another libtorch set SHARPDISTILL_TORCH_DIR to its share/cmake/Torch folder before building and add its lib " +
            $"folder to LD_LIBRARY_PATH; or point {PathVariable} at a built {FileName}.");
    }

    private static IEnumerable<string> Candidates()
    {
        // An explicit choice is the only candidate: falling back to another shim would hide the mistake.
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (!File.Exists(explicitPath))
                throw new LibTorchNotFoundException($"{PathVariable} is set to '{explicitPath}', which does not exist; point it at a built {FileName} or unset it");
            yield return explicitPath;
            yield break;
        }
        yield return Path.Combine(AppContext.BaseDirectory, FileName);
        // Where a NuGet consumer's build puts the shim shipped in the SharpDistill.Torch package.
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", FileName);
        var assemblyDir = Path.GetDirectoryName(typeof(NativeLoader).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir)) yield return Path.Combine(assemblyDir, FileName);
        // A developer running from the source tree: the CMake build folder of an enclosing checkout.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "native", "build", FileName);
    }

    private static void CheckAbi(IntPtr library, string path)
    {
        var abiVersion = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "sd_abi_version");
        var torchVersion = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(library, "sd_libtorch_version");
        int abi;
        IntPtr version;
        abiVersion(&abi);
        torchVersion(&version);
        if (abi != ExpectedAbiVersion)
            throw new LibTorchNotFoundException(
                $"The native shim at {path} has ABI version {abi} (libtorch {Marshal.PtrToStringUTF8(version)}), " +
                $"but this SharpDistill build needs ABI version {ExpectedAbiVersion}. Rebuild it with 'dotnet build' " +
                "(or delete native/build and build again).");
    }

    // Before the first tensor: mallopt affects only later allocations, and every tensor the
    // program makes goes through this shim, so none exists yet.
    private static void ApplyAllocatorPolicy(IntPtr library, AllocatorPolicy policy)
    {
        if (policy.Configures)
        {
            var configure = (delegate* unmanaged<long, long, long, int>)NativeLibrary.GetExport(library, "sd_allocator_configure");
            if (configure(policy.MmapThreshold, policy.TrimThreshold, policy.TopPad) != 0)
            {
                var error = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(library, "sd_last_error");
                policy = policy with { Name = AllocatorPolicy.System, MmapThreshold = -1, TrimThreshold = -1, TopPad = -1,
                                       Reason = $"tuning was refused: {Marshal.PtrToStringUTF8(error())}" };
            }
        }
        AppliedAllocatorPolicy = policy;
    }

    private static void ApplyDefaultThreads(IntPtr library)
    {
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "sd_set_num_threads");
        setThreads(DefaultThreads(Environment.GetEnvironmentVariable(ThreadsVariable)));
    }

    /// <summary>The most intra-op threads SHARPDISTILL_THREADS may ask for.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The intra-op thread count: SHARPDISTILL_THREADS when set (1 to <see cref="MaxThreads"/>), else one per core.</summary>
    internal static int DefaultThreads(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) return Environment.ProcessorCount;
        if (!int.TryParse(requested.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            || n < 1 || n > MaxThreads)
            throw new ArgumentException($"{ThreadsVariable} is '{requested}': expected a whole number of threads from 1 to {MaxThreads} (unset it for one per core)");
        return n;
    }
}
