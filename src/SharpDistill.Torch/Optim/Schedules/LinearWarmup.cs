namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>
/// Linear warm-up in front of another schedule. During the first <see cref="WarmupEpochs"/> the
/// inner rate is multiplied by a factor rising linearly from <see cref="StartFactor"/> to 1 (PyTorch's
/// LinearLR, chained multiplicatively with the inner schedule); afterwards the inner rate is used
/// unchanged. With <see cref="DelayInner"/> the inner schedule starts only after the warm-up (its
/// clock is shifted by the warm-up length, as timm's warm-up prefix does), so a cosine or step
/// schedule keeps its full length.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    public LinearWarmup(LearningRateSchedule inner, double warmupEpochs, double startFactor, bool delayInner = false)
    {
        if (!(warmupEpochs > 0) || double.IsInfinity(warmupEpochs)) throw new ArgumentException($"warm-up length must be > 0 epochs, got {warmupEpochs}");
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentException($"start factor must be in (0, 1], got {startFactor}");
        Inner = inner;
        WarmupEpochs = warmupEpochs;
        StartFactor = startFactor;
        DelayInner = delayInner;
    }

    public LearningRateSchedule Inner { get; }

    public double WarmupEpochs { get; }

    public double StartFactor { get; }

    public bool DelayInner { get; }

    public override double LearningRateAt(double baseLearningRate, double elapsedEpochs)
    {
        CheckElapsed(elapsedEpochs);
        var factor = elapsedEpochs >= WarmupEpochs ? 1 : StartFactor + (1 - StartFactor) * elapsedEpochs / WarmupEpochs;
        var innerTime = DelayInner ? Math.Max(0, elapsedEpochs - WarmupEpochs) : elapsedEpochs;
        return factor * Inner.LearningRateAt(baseLearningRate, innerTime);
    }
}
