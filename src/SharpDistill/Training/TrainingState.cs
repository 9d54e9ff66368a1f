using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Training;

/// <summary>
/// Where a run stands, as one value: what the trainer saves into a checkpoint and restores from it
/// on --resume (the optimizer's tensors travel beside it in the same file, see <see cref="CheckpointFile"/>).
/// </summary>
/// <remarks>
/// Random state: the sample order of epoch e is a function of (Seed, e) and each sample's augmentation
/// of (Seed, e, index) (see DataLoader), and no step of training draws from libtorch's global generator
/// (RunFactory seeds it before the weights are initialised). No random stream advances across steps,
/// so <see cref="Seed"/> is the whole random state a resumed run needs.
/// </remarks>
public sealed record TrainingState
{
    /// <summary>Epochs fully completed (0 before the first).</summary>
    public int Epoch { get; init; }
    /// <summary>Training steps already done in epoch <see cref="Epoch"/> + 1 (non-zero only after a stop mid-epoch).</summary>
    public int StepsIntoEpoch { get; init; }
    /// <summary>Running sums of the interrupted epoch, so resuming reports the same epoch figures.</summary>
    public EpochAccumulatorState? PartialEpoch { get; init; }
    /// <summary>The best epoch so far and its test top-1 (tie rule: <see cref="BestEpoch"/>).</summary>
    public BestEpoch Best { get; init; } = BestEpoch.None;
    /// <summary>Test top-1 of the last completed epoch.</summary>
    public double LastTop1 { get; init; }
    public long Seed { get; init; }

    /// <summary>A run that has not trained yet.</summary>
    public static TrainingState Start(long seed) => new() { Seed = seed };

    /// <summary>The first epoch still to train (partly, when <see cref="StepsIntoEpoch"/> &gt; 0).</summary>
    public int NextEpoch => Epoch + 1;

    /// <summary>Epoch <paramref name="epoch"/> finished with test top-1 <paramref name="top1"/>; also says whether it is the new best.</summary>
    public (TrainingState State, bool IsNewBest) AfterEpoch(int epoch, double top1)
    {
        var (best, improved) = Best.After(epoch, top1);
        return (this with { Epoch = epoch, StepsIntoEpoch = 0, PartialEpoch = null, Best = best, LastTop1 = top1 }, improved);
    }

    /// <summary>Stopped <paramref name="steps"/> steps into the next epoch with its running sums so far.</summary>
    public TrainingState StoppedWithin(int steps, EpochAccumulatorState partial) =>
        this with { StepsIntoEpoch = steps, PartialEpoch = partial };
}
