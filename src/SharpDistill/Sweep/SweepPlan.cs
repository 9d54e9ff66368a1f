namespace SharpDistill.Sweep;

/// <summary>
/// What a sweep runs: every cell of <see cref="Grid"/> × every seed, each one run on the base config
/// (files, then --set, then the cell's values, then the seed), cached and resumable like a study's runs.
/// </summary>
public sealed record SweepPlan
{
    public required SweepGrid Grid { get; init; }
    /// <summary>YAML run-setting files applied to every run.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = Array.Empty<string>();
    /// <summary>--set overrides applied to every run, after the files and before the cell's values.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = Array.Empty<string>();
    /// <summary>The seeds every cell is repeated with; null means the config's own experiment.seed.</summary>
    public IReadOnlyList<long>? Seeds { get; init; }
    /// <summary>A checkpoint per teacher model (for a grid over models.teacher); a teacher with none and no models.teacher_checkpoint is trained by the sweep.</summary>
    public IReadOnlyDictionary<string, string> TeacherCheckpoints { get; init; } = new Dictionary<string, string>();
    /// <summary>Epochs of a teacher the sweep trains itself (once per teacher model and data, shared by every cell and seed).</summary>
    public int TeacherEpochs { get; init; } = 4;
    /// <summary>Folder of the sweep: one run directory per cell and seed, and report/.</summary>
    public string OutputDirectory { get; init; } = "runs/sweep";
}
