using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace SharpDistill.Benchmarks;

/// <summary>What the figures were measured on, so that two reports can be compared fairly.</summary>
/// <param name="LogicalCores">Environment.ProcessorCount: the cores this process may use.</param>
/// <param name="CpuModel">The first "model name" of /proc/cpuinfo, or null.</param>
/// <param name="LoadAverageStart">The 1-minute load average when the bench started (/proc/loadavg), or null: other processes competing for the cores.</param>
/// <param name="BuildConfiguration">Debug or Release build of the SharpDistill library.</param>
public sealed record MachineInfo(
    int LogicalCores,
    string? CpuModel,
    string Os,
    string Architecture,
    [property: JsonPropertyName("dotnet")] string DotNet,
    string BuildConfiguration,
    double? LoadAverageStart,
    double? LoadAverageEnd)
{
    /// <summary>The machine now (the end load average is filled in later with <see cref="LoadAverage"/>).</summary>
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        RuntimeInformation.FrameworkDescription,
        typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown",
        LoadAverage(),
        null);

    /// <summary>The 1-minute load average from /proc/loadavg, or null off Linux.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .Where(l => l.StartsWith("model name", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
