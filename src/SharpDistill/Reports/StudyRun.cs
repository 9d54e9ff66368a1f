using SharpDistill.Training.Logging;

namespace SharpDistill.Reports;

/// <summary>What a run is in a study: the reference teacher, the student trained alone, or the student distilled by a method.</summary>
public enum StudyRunRole { Teacher, Baseline, Method }

/// <summary>
/// One run of a distillation study as the report sees it. The accuracy figures (best and last test
/// top-1, epochs) are not stored here but derived from <see cref="Metrics"/>, so the table and the
/// charts can never disagree.
/// </summary>
public sealed record StudyRun
{
    /// <summary>The short name shown in the table and legends ("CRLD"); unique within a study.</summary>
    public required string Name { get; init; }
    public required StudyRunRole Role { get; init; }
    /// <summary>The method this run belongs to when a study repeats it over seeds ("KD"); empty means <see cref="Name"/>.</summary>
    public string Group { get; init; } = "";
    /// <summary>The seed of the run (student initialisation and data order) in a multi-seed study; null when not recorded.</summary>
    public long? Seed { get; init; }
    public string GroupName => Group.Length > 0 ? Group : Name;
    public string RunDirectory { get; init; } = "";
    /// <summary>The model this run trains (the teacher's architecture for the teacher run).</summary>
    public string Model { get; init; } = "";
    public long? Parameters { get; init; }
    /// <summary>The teacher the student learnt from; empty for the teacher and the baseline.</summary>
    public string TeacherModel { get; init; } = "";
    public long? TeacherParameters { get; init; }
    /// <summary>Wall-clock time of the whole run; null means the sum of the epochs' times.</summary>
    public TimeSpan? WallTime { get; init; }
    /// <summary>One row per epoch, in order; empty when the run has not produced an epoch (shown as "no data").</summary>
    public IReadOnlyList<EpochMetrics> Metrics { get; init; } = Array.Empty<EpochMetrics>();
    /// <summary>The resolved config.yaml of the run; null when there is none.</summary>
    public string? ConfigYaml { get; init; }

    /// <summary>
    /// A run read from its directory: metrics.jsonl (missing → no epochs) and config.yaml (missing → null).
    /// Model names, parameter counts and wall time are set afterwards with a <c>with</c> expression.
    /// </summary>
    public static StudyRun FromRunDirectory(string name, StudyRunRole role, string runDirectory)
    {
        if (!Directory.Exists(runDirectory))
            throw new DirectoryNotFoundException($"run directory of '{name}' not found: {runDirectory}");
        var configPath = Path.Combine(runDirectory, "config.yaml");
        return new StudyRun
        {
            Name = name,
            Role = role,
            RunDirectory = runDirectory,
            Metrics = MetricsLog.Read(Path.Combine(runDirectory, "metrics.jsonl")),
            ConfigYaml = File.Exists(configPath) ? File.ReadAllText(configPath) : null,
        };
    }
}
