using SharpDistill.Distillers;

namespace SharpDistill.Study;

/// <summary>
/// What a distillation study runs: a teacher (trained once and reused while its config is
/// unchanged), the student alone (the baseline), and the same student distilled with each method,
/// every run on the same base config (dataset, budget, seed).
/// </summary>
public sealed record StudyPlan
{
    /// <summary>YAML override files applied to every run (e.g. configs/fashion_mnist/study.yaml).</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = Array.Empty<string>();
    /// <summary>--set overrides applied to every run, after the files.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = Array.Empty<string>();
    public string Teacher { get; init; } = "resnet20";
    public string Student { get; init; } = "resnet8";
    /// <summary>The teacher's own epochs and LR decay (it may train longer than the students).</summary>
    public int TeacherEpochs { get; init; } = 4;
    public IReadOnlyList<int> TeacherDecayStages { get; init; } = new[] { 3 };
    /// <summary>The distillation methods compared with the baseline: by default every one the registry knows (combinations only when asked for).</summary>
    public IReadOnlyList<string> Methods { get; init; } = MethodRegistry.Distillation.Where(m => !m.IsCombination).Select(m => m.Name).ToArray();
    /// <summary>
    /// The seeds every student run (baseline and each method) is repeated with; the same seed gives every
    /// method the same student initialisation and data order, so gains are paired per seed. The teacher is
    /// trained once, with the config's own seed, and shared by all of them.
    /// </summary>
    /// <remarks>Null means one seed: the config's own experiment.seed.</remarks>
    public IReadOnlyList<long>? Seeds { get; init; }
    /// <summary>
    /// Whether the methods' runs share a <see cref="TeacherOutputCache"/>: runs of one seed show the
    /// teacher the same batches, so its logits are computed once per batch instead of once per method.
    /// Exact (a hit returns the bits a recomputation would); off only to measure what it saves.
    /// </summary>
    public bool CacheTeacherOutputs { get; init; } = true;
    /// <summary>Folder of the study: one run directory per run, and report/.</summary>
    public string OutputDirectory { get; init; } = "runs/study";
}
