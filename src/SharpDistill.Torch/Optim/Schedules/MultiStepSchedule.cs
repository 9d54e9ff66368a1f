namespace SharpDistill.Torch.Optim.Schedules;

/// <summary>
/// Step decay at milestones (PyTorch's MultiStepLR): lr = base · γ^k, where k counts the milestones
/// m with m ≤ completed epochs, i.e. for 1-based epoch e the milestones strictly smaller than e
/// (docs/training.md: with milestones 150, 180, 210, epochs 1–150 use the base rate and epoch 151
/// the first decay). A milestone listed twice decays twice, as in PyTorch. Decays happen at epoch
/// boundaries even when the rate is updated per step.
/// </summary>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    public MultiStepSchedule(IEnumerable<int> milestones, double gamma = 0.1)
    {
        Milestones = milestones.OrderBy(m => m).ToArray();
        if (Milestones.Any(m => m < 1))
            throw new ArgumentException($"milestones are 1-based epoch numbers and must be ≥ 1, got [{string.Join(", ", Milestones)}]");
        if (!(gamma > 0) || double.IsInfinity(gamma)) throw new ArgumentException($"invalid gamma: {gamma}");
        Gamma = gamma;
    }

    public IReadOnlyList<int> Milestones { get; }

    public double Gamma { get; }

    public override double LearningRateAt(double baseLearningRate, double elapsedEpochs)
    {
        CheckElapsed(elapsedEpochs);
        var completed = Math.Floor(elapsedEpochs);
        var k = Milestones.Count(m => m <= completed);
        return baseLearningRate * Math.Pow(Gamma, k);
    }
}
