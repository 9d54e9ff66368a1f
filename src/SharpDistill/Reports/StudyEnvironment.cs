using System.Runtime.InteropServices;
using SharpDistill.Torch;

namespace SharpDistill.Reports;

/// <summary>Where a study ran: the facts a reader needs to judge its timings and reproduce it.</summary>
public sealed record StudyEnvironment
{
    public string LibTorchVersion { get; init; } = "";
    /// <summary>libtorch's intra-op threads.</summary>
    public int? Threads { get; init; }
    /// <summary>Logical cores of the machine.</summary>
    public int? Cores { get; init; }
    public string Cpu { get; init; } = "";
    /// <summary>The memory-allocator policy (<see cref="AllocatorPolicy"/>): it changes run times severalfold.</summary>
    public string Allocator { get; init; } = "";
    /// <summary>"cpu", "cuda:0 (NVIDIA H100)", …</summary>
    public string Device { get; init; } = "";
    public string OperatingSystem { get; init; } = "";
    public string DotNetVersion { get; init; } = "";
    /// <summary>Anything else worth recording (git commit, command line), shown in order after the fixed facts.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extra { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The facts of this process: loads the engine for its version and thread count.</summary>
    public static StudyEnvironment Capture(string device = "cpu") => new()
    {
        LibTorchVersion = TorchRuntime.LibTorchVersion,
        Threads = TorchRuntime.Threads,
        Cores = Environment.ProcessorCount,
        Cpu = CpuModel(),
        Allocator = TorchRuntime.Allocator.ToString(),
        Device = device,
        OperatingSystem = RuntimeInformation.OSDescription + " " + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        DotNetVersion = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>The processor's model name from /proc/cpuinfo on Linux; empty elsewhere or when unreadable.</summary>
    private static string CpuModel()
    {
        try
        {
            const string cpuinfo = "/proc/cpuinfo";
            if (!File.Exists(cpuinfo)) return "";
            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The facts as label/value pairs for display, skipping the unknown ones.</summary>
    internal IEnumerable<(string Label, string Value)> Facts()
    {
        (string, string)[] all =
        {
            ("libtorch", LibTorchVersion),
            ("Threads", Threads?.ToString() ?? ""),
            ("Cores", Cores?.ToString() ?? ""),
            ("CPU", Cpu),
            ("Allocator", Allocator),
            ("Device", Device),
            ("OS", OperatingSystem),
            (".NET", DotNetVersion),
        };
        return all.Concat(Extra.Select(e => (e.Key, e.Value))).Where(f => !string.IsNullOrWhiteSpace(f.Item2));
    }
}
