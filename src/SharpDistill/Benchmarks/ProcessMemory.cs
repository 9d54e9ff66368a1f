using System.Globalization;

namespace SharpDistill.Benchmarks;

/// <summary>
/// The process's resident memory from Linux's /proc/self/status: VmRSS (now) and VmHWM (the peak,
/// "high water mark"). Elsewhere every reading is null.
/// </summary>
public static class ProcessMemory
{
    private const string StatusPath = "/proc/self/status";

    /// <summary>Resident memory now, in MiB.</summary>
    public static double? ResidentMib() => ReadKiB("VmRSS") / 1024.0;

    /// <summary>Peak resident memory since the process started or since the last <see cref="TryResetPeak"/>, in MiB.</summary>
    public static double? PeakResidentMib() => ReadKiB("VmHWM") / 1024.0;

    /// <summary>
    /// Resets VmHWM to the current resident size (writing "5" to /proc/self/clear_refs, Linux 4.0+),
    /// so the peak of one phase can be read on its own. False where that is not possible.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>The value of a "Key:  123 kB" line of /proc/self/status, or null.</summary>
    public static long? ReadKiB(string key)
    {
        string[] lines;
        try { lines = File.ReadAllLines(StatusPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return ParseKiB(lines, key);
    }

    internal static long? ParseKiB(IEnumerable<string> statusLines, string key)
    {
        foreach (var line in statusLines)
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var fields = line[(key.Length + 1)..].Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2 && fields[1] == "kB" && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                return kib;
            throw new FormatException($"{StatusPath}: unexpected {key} line '{line}'");
        }
        return null;
    }
}
