using System.Globalization;
using SharpDistill.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SharpDistill.Study;

/// <summary>
/// The seeds a study repeats every student run with. Given as a count N (seeds 0 … N−1) or a list of
/// distinct non-negative seeds, on the command line (--seeds 3, --seeds 0,1,2) or as the top-level key
/// <c>seeds:</c> of a study config file, which is the one key of that file that is not a run setting.
/// </summary>
public static class StudySeeds
{
    public const string Key = "seeds";

    /// <summary>"3" → 0, 1, 2; "0,5,9" → 0, 5, 9. Errors name the problem (≤ 0 seeds, a duplicate, a negative or non-numeric seed).</summary>
    public static IReadOnlyList<long> Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && !text.Contains(','))
            return FromCount(ParseNumber(parts[0], "the number of seeds"));
        return FromList(parts.Select(p => ParseNumber(p, "a seed")).ToList());
    }

    public static IReadOnlyList<long> FromCount(long count)
    {
        if (count <= 0) throw new ConfigException($"seeds must be at least 1 (got {count}): a study needs one run per method and seed");
        if (count > 1000) throw new ConfigException($"seeds: {count} is more than 1000 runs per method; give a smaller count");
        return Enumerable.Range(0, (int)count).Select(i => (long)i).ToList();
    }

    public static IReadOnlyList<long> FromList(IReadOnlyList<long> seeds)
    {
        if (seeds.Count == 0) throw new ConfigException("seeds: the list is empty; a study needs at least one seed");
        if (seeds.FirstOrDefault(s => s < 0) is var negative && negative < 0) throw new ConfigException($"seeds: {negative} is negative; seeds are 0 or more");
        var duplicate = seeds.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigException($"seeds: seed {duplicate.Key} is listed twice; each seed is one run per method");
        return seeds;
    }

    private static long ParseNumber(string text, string what) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ConfigException($"seeds: '{text}' is not a whole number ({what})");

    /// <summary>
    /// Reads a study config file: its <c>seeds:</c> key (null when absent) and the rest, the run settings,
    /// written to <paramref name="runSettingsPath"/> so the ordinary config loader reads them unchanged.
    /// </summary>
    public static IReadOnlyList<long>? SplitFile(string path, string runSettingsPath)
    {
        if (!File.Exists(path)) throw new ConfigException($"config file not found: {path}");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{path}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping) return null;
        var key = new YamlScalarNode(Key);
        if (!mapping.Children.TryGetValue(key, out var node)) return null;
        mapping.Children.Remove(key);
        IReadOnlyList<long> seeds = node switch
        {
            YamlScalarNode scalar => FromCount(ParseNumber(scalar.Value ?? "", "the number of seeds")),
            YamlSequenceNode list => FromList(list.Children.Select(c => ParseNumber((c as YamlScalarNode)?.Value ?? "", "a seed")).ToList()),
            _ => throw new ConfigException($"{path}: seeds must be a number or a list of seeds"),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(runSettingsPath))!);
        using (var writer = new StreamWriter(runSettingsPath + ".tmp")) stream.Save(writer, assignAnchors: false);
        File.Move(runSettingsPath + ".tmp", runSettingsPath, overwrite: true);
        return seeds;
    }
}
