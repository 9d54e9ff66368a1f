namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>
/// A learning-rate schedule: a pure function of the base rate and the point of training, so a
/// resumed run gets exactly the rates it would have had (no hidden step counter to restore).
/// </summary>
/// <remarks>
/// Epochs are numbered from 1, as in the published recipes and docs/training.md ("epoch e"). The point of training is
/// also given as elapsed epochs t = (epoch − 1) + fraction of the current epoch done, which is
/// PyTorch's scheduler counter (<c>last_epoch</c>) for per-epoch schedules: the rate used while
/// training 1-based epoch e equals PyTorch's after e − 1 calls of scheduler.step().
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>
    /// The rate for 1-based <paramref name="epoch"/>, <paramref name="epochProgress"/> ∈ [0, 1) of the
    /// way through it (0 for per-epoch updates; step / steps-per-epoch for per-step updates).
    /// </summary>
    public double LearningRate(double baseLearningRate, int epoch, double epochProgress = 0)
    {
        if (epoch < 1) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epochs are numbered from 1");
        if (!(epochProgress >= 0 && epochProgress < 1))
            throw new ArgumentOutOfRangeException(nameof(epochProgress), epochProgress, "the fraction of an epoch must be in [0, 1)");
        return LearningRateAt(baseLearningRate, epoch - 1 + epochProgress);
    }

    /// <summary>The rate after <paramref name="elapsedEpochs"/> (≥ 0) epochs of training.</summary>
    public abstract double LearningRateAt(double baseLearningRate, double elapsedEpochs);

    protected static void CheckElapsed(double elapsedEpochs)
    {
        if (!(elapsedEpochs >= 0) || double.IsInfinity(elapsedEpochs))
            throw new ArgumentOutOfRangeException(nameof(elapsedEpochs), elapsedEpochs, "elapsed epochs must be a finite number ≥ 0");
    }
}
