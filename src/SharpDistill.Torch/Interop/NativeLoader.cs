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
    public const int ExpectedAbiVersion = 1;

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

    private static IntPtr Load()
    {
        var candidates = Candidates().ToList();
        var failures = new List<string>();
        foreach (var path in candidates)
        {
            if (!File.Exists(path)) continue;
            try
            {
                var handle = NativeLibrary.Load(path);
                CheckAbi(handle, path);
                ApplyDefaultThreads(handle);
                return handle;
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
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrEmpty(explicitPath)) yield return explicitPath;
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

    private static void ApplyDefaultThreads(IntPtr library)
    {
        var setThreads = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "sd_set_num_threads");
        var requested = Environment.GetEnvironmentVariable(ThreadsVariable);
        var threads = int.TryParse(requested, out var n) && n > 0 ? n : Environment.ProcessorCount;
        setThreads(threads);
    }
}
