namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>Decay by γ every <see cref="StepSize"/> epochs (PyTorch's StepLR): lr = base · γ^⌊completed epochs / step⌋.</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    public StepSchedule(int stepSize, double gamma = 0.1)
    {
        if (stepSize < 1) throw new ArgumentException($"step size must be ≥ 1 epoch, got {stepSize}");
        if (!(gamma > 0) || double.IsInfinity(gamma)) throw new ArgumentException($"invalid gamma: {gamma}");
        StepSize = stepSize;
        Gamma = gamma;
    }

    public int StepSize { get; }

    public double Gamma { get; }

    public override double LearningRateAt(double baseLearningRate, double elapsedEpochs)
    {
        CheckElapsed(elapsedEpochs);
        return baseLearningRate * Math.Pow(Gamma, Math.Floor(Math.Floor(elapsedEpochs) / StepSize));
    }
}
