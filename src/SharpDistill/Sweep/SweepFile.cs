using SharpDistill.Config;
using SharpDistill.Study;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SharpDistill.Sweep;

/// <summary>What a sweep config file holds besides run settings.</summary>
/// <param name="Grid">The grid: section's axes (empty when absent).</param>
/// <param name="Seeds">The seeds: key (null when absent), read as a study reads it.</param>
/// <param name="TeacherCheckpoints">teacher_checkpoints: a checkpoint per teacher model, for a grid over models.teacher.</param>
public sealed record SweepFileParts(IReadOnlyList<SweepAxis> Grid, IReadOnlyList<long>? Seeds, IReadOnlyDictionary<string, string> TeacherCheckpoints);

/// <summary>
/// Reads a sweep config file: its top-level <c>grid:</c> (key → list of values), <c>seeds:</c> and
/// <c>teacher_checkpoints:</c> (teacher model → checkpoint) belong to the sweep; the rest are run
/// settings, written to a separate file that the ordinary config loader reads unchanged.
/// </summary>
public static class SweepFile
{
    public const string GridKey = "grid", TeacherCheckpointsKey = "teacher_checkpoints";

    public static SweepFileParts Split(string path, string runSettingsPath)
    {
        var text = YamlDocumentReader.ReadFile(path);
        var root = YamlDocumentReader.Parse(text, path);
        var axes = new List<SweepAxis>();
        var checkpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is YamlMappingNode mapping)
        {
            if (mapping.Children.TryGetValue(new YamlScalarNode(GridKey), out var grid))
            {
                if (grid is not YamlMappingNode keys)
                    throw new ConfigException($"{path}: grid: must map config keys to lists of values, e.g. grid: {{distiller.crld.tau_w: [0.5, 0.7]}}");
                foreach (var (key, values) in keys.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    if (values is not YamlSequenceNode list)
                        throw new ConfigException($"{path} line {values.Start.Line}: grid.{name} must be a list of values, e.g. [0.5, 0.7]");
                    axes.Add(new SweepAxis(name, list.Children.Select(Yaml).ToList()));
                }
                mapping.Children.Remove(new YamlScalarNode(GridKey));
            }
            if (mapping.Children.TryGetValue(new YamlScalarNode(TeacherCheckpointsKey), out var teachers))
            {
                if (teachers is not YamlMappingNode pairs || pairs.Children.Any(p => p.Value is not YamlScalarNode))
                    throw new ConfigException($"{path}: teacher_checkpoints: must map teacher models to checkpoint files, e.g. {{resnet56: teachers/resnet56.pth}}");
                foreach (var (model, file) in pairs.Children) checkpoints[((YamlScalarNode)model).Value ?? ""] = ((YamlScalarNode)file).Value ?? "";
                mapping.Children.Remove(new YamlScalarNode(TeacherCheckpointsKey));
            }
        }
        // The seeds: key is read (and removed) exactly as a study config's.
        var rest = runSettingsPath + ".grid";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(runSettingsPath))!);
        using (var writer = new StreamWriter(rest))
            if (root != null) new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        try
        {
            var seeds = StudySeeds.SplitFile(rest, runSettingsPath);
            if (seeds is null) File.Copy(rest, runSettingsPath, overwrite: true);
            return new SweepFileParts(axes, seeds, checkpoints);
        }
        finally
        {
            File.Delete(rest);
        }
    }

    /// <summary>A value of the grid as the YAML text a --set would give it.</summary>
    private static string Yaml(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? $"'{(scalar.Value ?? "").Replace("'", "''")}'" : scalar.Value ?? "",
        YamlSequenceNode list => "[" + string.Join(", ", list.Children.Select(Yaml)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Children.Select(p => $"{Yaml(p.Key)}: {Yaml(p.Value)}")) + "}",
        _ => "",
    };
}
