using SharpDistill.Training.Logging;

namespace SharpDistill.Training;

/// <summary>How a run ended and what it reached.</summary>
public sealed record TrainingResult
{
    public required string RunDirectory { get; init; }
    public required int EpochsCompleted { get; init; }
    public required double BestTop1 { get; init; }
    public required int BestEpoch { get; init; }
    public required double LastTop1 { get; init; }
    /// <summary>True when a stop was requested (Ctrl-C) before the last epoch finished.</summary>
    public required bool Stopped { get; init; }
    public required IReadOnlyList<EpochMetrics> History { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public string LatestCheckpoint => Path.Combine(RunDirectory, "checkpoints", "latest.safetensors");
    public string BestCheckpoint => Path.Combine(RunDirectory, "checkpoints", "best.safetensors");
}
