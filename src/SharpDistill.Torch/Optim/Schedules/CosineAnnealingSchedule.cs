namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>
/// Cosine annealing from the base rate to <see cref="MinLearningRate"/> over <see cref="TotalEpochs"/>
/// (PyTorch's CosineAnnealingLR closed form): lr = min + (base − min)·(1 + cos(π·t / T)) / 2, with
/// t the elapsed epochs (fractional when updated per step). After T epochs the rate stays at the minimum.
/// </summary>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    public CosineAnnealingSchedule(double totalEpochs, double minLearningRate = 0)
    {
        if (!(totalEpochs > 0) || double.IsInfinity(totalEpochs)) throw new ArgumentException($"total epochs must be > 0, got {totalEpochs}");
        if (!(minLearningRate >= 0)) throw new ArgumentException($"invalid minimum learning rate: {minLearningRate}");
        TotalEpochs = totalEpochs;
        MinLearningRate = minLearningRate;
    }

    public double TotalEpochs { get; }

    public double MinLearningRate { get; }

    public override double LearningRateAt(double baseLearningRate, double elapsedEpochs)
    {
        CheckElapsed(elapsedEpochs);
        var t = Math.Min(elapsedEpochs, TotalEpochs);
        return MinLearningRate + (baseLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * t / TotalEpochs)) / 2;
    }
}
