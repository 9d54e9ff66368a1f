using SharpDistill.Distillers;
using SharpDistill.Config;
using SharpDistill.Reports;

namespace SharpDistill.Study;

/// <summary>
/// `study --from DIR`: the runs of an earlier study read back from their directories (config.yaml and
/// metrics.jsonl), without training, so seeds added later can be re-reported. Every student run must share
/// one configuration except for its method and seed, or the comparison would not be a study.
/// </summary>
public static class StudyFromRuns
{
    public sealed record Loaded(IReadOnlyList<StudyRun> Runs, DatasetName Dataset, string Teacher, string Student);

    public static Loaded Read(string directory)
    {
        if (!Directory.Exists(directory)) throw new ConfigException($"--from: study folder not found: {directory}");
        var runDirectories = Directory.GetDirectories(directory).Where(d => Path.GetFileName(d) != "report").Order(StringComparer.Ordinal).ToList();
        var runs = new List<(StudyRun Run, RunConfig Config)>();
        var comparable = new Dictionary<string, string>();
        foreach (var runDirectory in runDirectories)
        {
            var configPath = Path.Combine(runDirectory, "config.yaml");
            if (!File.Exists(configPath)) throw new ConfigException($"--from: {runDirectory} is not a run directory (no config.yaml)");
            var config = RunConfig.Load(new[] { configPath }, Array.Empty<string>());
            var isTeacher = Path.GetFileName(runDirectory).StartsWith("teacher-", StringComparison.Ordinal);
            var method = MethodRegistry.Find(config.Distiller.Method);
            var role = isTeacher ? StudyRunRole.Teacher : method.NeedsTeacher ? StudyRunRole.Method : StudyRunRole.Baseline;
            var group = role switch { StudyRunRole.Teacher => "Teacher", StudyRunRole.Baseline => "Baseline", _ => method.DisplayName };
            var run = StudyRun.FromRunDirectory(group, role, runDirectory) with
            {
                Group = group, Seed = isTeacher ? null : config.Experiment.Seed, Model = config.Models.Student,
                TeacherModel = role == StudyRunRole.Method ? config.Models.Teacher : "",
            };
            runs.Add((run, config));
            comparable[run.RunDirectory] = Comparable(configPath);
        }
        var students = runs.Where(r => r.Run.Role != StudyRunRole.Teacher).ToList();
        if (students.Count == 0) throw new ConfigException($"--from: {directory} holds no student runs (baseline or method)");
        var reference = students[0];
        var referenceYaml = comparable[reference.Run.RunDirectory];
        foreach (var other in students.Skip(1))
        {
            var yaml = comparable[other.Run.RunDirectory];
            if (yaml == referenceYaml) continue;
            var differences = ConfigDiff.Compare(referenceYaml, yaml);
            throw new ConfigException($"--from: {Path.GetFileName(other.Run.RunDirectory)} and {Path.GetFileName(reference.Run.RunDirectory)} differ in more than method and seed " +
                $"({string.Join("; ", differences)}); a study compares runs of one configuration");
        }
        var teachers = runs.Where(r => r.Run.Role == StudyRunRole.Teacher).ToList();
        if (teachers.Count > 1)
            throw new ConfigException($"--from: {directory} holds {teachers.Count} teacher runs ({string.Join(", ", teachers.Select(t => Path.GetFileName(t.Run.RunDirectory)))}); a study has one teacher");

        var duplicate = students.GroupBy(s => (s.Run.Group, s.Run.Seed)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ConfigException($"--from: {duplicate.Key.Group} with seed {duplicate.Key.Seed} appears twice ({string.Join(", ", duplicate.Select(d => Path.GetFileName(d.Run.RunDirectory)))})");

        var seedCount = students.Select(s => s.Run.Seed).Distinct().Count();
        var named = runs.Select(r => r.Run.Role == StudyRunRole.Teacher || seedCount == 1 ? r.Run : r.Run with { Name = $"{r.Run.Group} s{r.Run.Seed}" })
            .OrderBy(r => r.Role).ThenBy(r => r.Seed).ThenBy(r => r.Group, StringComparer.Ordinal).ToList();
        var teacherModel = students.Select(s => s.Config.Models.Teacher).FirstOrDefault(t => !string.IsNullOrEmpty(t)) ?? "";
        return new Loaded(named, reference.Config.Dataset.Name, teacherModel, reference.Config.Models.Student);
    }

    /// <summary>The config with what a study varies (method, seed, run name, the teacher a method reads) blanked out.</summary>
    private static string Comparable(string configPath)
    {
        var copy = RunConfig.Load(new[] { configPath }, Array.Empty<string>());
        copy.Experiment.OutputDir = "";
        copy.Experiment.Seed = 0;
        copy.Experiment.Name = "";
        copy.Distiller.Method = MethodRegistry.All.First(m => !m.NeedsTeacher).Name;
        copy.Models.Teacher = "";
        copy.Models.TeacherCheckpoint = "";
        return ConfigWriter.ToYaml(copy);
    }
}
