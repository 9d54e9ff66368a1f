using System.Text.Json.Serialization;

namespace SharpDistill.Training.Checkpoints;

/// <summary>
/// Everything about a run a checkpoint records besides the tensors: where training is, what it
/// has achieved, and how to rebuild the model and the run (the resolved config). Stored as JSON in
/// the checkpoint file's metadata so the file describes itself. The training fields are the
/// <see cref="TrainingState"/> (<see cref="Training"/>, <see cref="With"/>), kept flat in the JSON so
/// files of format 1 stay readable.
/// </summary>
public sealed record CheckpointState
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>"latest", "best" or "epoch_N".</summary>
    public required string Kind { get; init; }
    /// <summary>Epochs fully completed.</summary>
    public required int Epoch { get; init; }
    /// <summary>Training steps already done in epoch Epoch + 1 (non-zero only after a Ctrl-C mid-epoch).</summary>
    public int StepsIntoEpoch { get; init; }
    /// <summary>Running sums of the interrupted epoch, so resuming reports the same epoch figures.</summary>
    public EpochAccumulatorState? PartialEpoch { get; init; }
    public required double BestTop1 { get; init; }
    public required int BestEpoch { get; init; }
    public double LastTop1 { get; init; }
    public required long Seed { get; init; }
    public required string Method { get; init; }
    /// <summary>Zoo name of the student and how it was built.</summary>
    public required string Student { get; init; }
    public required int NumClasses { get; init; }
    public required int InChannels { get; init; }
    public required string Variant { get; init; }
    public string Teacher { get; init; } = "";
    /// <summary>The resolved config of the run, as YAML.</summary>
    public required string ConfigYaml { get; init; }
    public required string LibTorchVersion { get; init; }
    public required string SharpDistillVersion { get; init; }
    public DateTimeOffset SavedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The training state this checkpoint records, as one value.</summary>
    [JsonIgnore]
    public TrainingState Training => new()
    {
        Epoch = Epoch, StepsIntoEpoch = StepsIntoEpoch, PartialEpoch = PartialEpoch,
        Best = new global::SharpDistill.Training.BestEpoch(BestTop1, BestEpoch), LastTop1 = LastTop1, Seed = Seed,
    };

    /// <summary>This run's description with <paramref name="training"/> as a <paramref name="kind"/> checkpoint, stamped now.</summary>
    public CheckpointState With(string kind, TrainingState training) => this with
    {
        Kind = kind, Epoch = training.Epoch, StepsIntoEpoch = training.StepsIntoEpoch, PartialEpoch = training.PartialEpoch,
        BestTop1 = training.Best.Top1, BestEpoch = training.Best.Epoch, LastTop1 = training.LastTop1, Seed = training.Seed,
        SavedAt = DateTimeOffset.UtcNow,
    };
}

/// <summary>Running per-epoch sums (sample-weighted), enough to finish an epoch's figures after a resume.</summary>
public sealed record EpochAccumulatorState
{
    public long Samples { get; init; }
    public long Top1 { get; init; }
    public long Top5 { get; init; }
    public double LossSum { get; init; }
    public Dictionary<string, double> TermSums { get; init; } = new();
    public double Seconds { get; init; }
}
