using SharpDistill.Training.Logging;

namespace SharpDistill.Training;

/// <summary>How a run ended and what it reached.</summary>
public sealed record TrainingResult
{
    /// <summary>experiment.output_dir/experiment.name, holding checkpoints/, metrics and logs.</summary>
    public required string RunDirectory { get; init; }
    /// <summary>Epochs fully trained and evaluated (all of them unless stopped).</summary>
    public required int EpochsCompleted { get; init; }
    /// <summary>The best test top-1 (%) of any epoch, and that epoch.</summary>
    public required double BestTop1 { get; init; }
    public required int BestEpoch { get; init; }
    /// <summary>The last epoch's test top-1 (%).</summary>
    public required double LastTop1 { get; init; }
    /// <summary>True when a stop was requested (Ctrl-C) before the last epoch finished.</summary>
    public required bool Stopped { get; init; }
    /// <summary>One row per completed epoch (what metrics.jsonl holds).</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }
    public required TimeSpan Elapsed { get; init; }
    /// <summary>checkpoints/latest.safetensors (student, extra modules, optimizer, training state).</summary>
    public string LatestCheckpoint => Path.Combine(RunDirectory, "checkpoints", "latest.safetensors");
    /// <summary>checkpoints/best.safetensors (the best epoch's student; load it with <see cref="Checkpoints.CheckpointFile.Load"/>).</summary>
    public string BestCheckpoint => Path.Combine(RunDirectory, "checkpoints", "best.safetensors");
}
