namespace SharpDistill.Benchmarks;

/// <summary>
/// Whether the CPU computes bfloat16 natively, read from the "flags" line of /proc/cpuinfo:
/// <c>avx512_bf16</c> (AVX-512 BF16 dot products) or <c>amx_bf16</c> (AMX tiles). Without either,
/// oneDNN still runs bfloat16 but converts to float32 around each operation, so it is slower than fp32.
/// </summary>
/// <param name="Bf16Flags">The bf16 flags found (empty when none).</param>
/// <param name="Known">False when /proc/cpuinfo could not be read or has no flags line (not Linux x86).</param>
public sealed record CpuFeatures(IReadOnlyList<string> Bf16Flags, bool Known)
{
    private static readonly string[] NativeBf16Flags = ["avx512_bf16", "amx_bf16"];

    public bool NativeBf16 => Bf16Flags.Count > 0;

    /// <summary>One line for reports: what was found and what it means for the bf16 modes.</summary>
    public string Describe() =>
        !Known ? "bf16 support unknown (no flags line in /proc/cpuinfo)"
        : NativeBf16 ? $"native bf16 ({string.Join(", ", Bf16Flags)})"
        : "NO native bf16 (neither avx512_bf16 nor amx_bf16 in /proc/cpuinfo): bf16 modes still run, emulated, slower " +
          "than fp32 and less accurate (training refuses a bf16 student with channels-last here)";

    /// <summary>This machine's features.</summary>
    public static CpuFeatures Current()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new CpuFeatures([], false);
        }
    }

    /// <summary>
    /// The features of the first processor's "flags" line of a /proc/cpuinfo text. Flags are whole,
    /// space-separated words, so a flag is found only as itself (not as part of a longer one).
    /// </summary>
    public static CpuFeatures Parse(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0 || line[..colon].Trim() != "flags") continue;
            var flags = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return new CpuFeatures(NativeBf16Flags.Where(flags.Contains).ToArray(), true);
        }
        return new CpuFeatures([], false);
    }
}
