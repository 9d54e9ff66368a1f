namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>The base rate throughout.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    public override double LearningRateAt(double baseLearningRate, double elapsedEpochs)
    {
        CheckElapsed(elapsedEpochs);
        return baseLearningRate;
    }
}
