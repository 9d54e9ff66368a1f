namespace SharpDistill.Torch.Optim;

/// <summary>
/// Hyperparameters shared by every optimizer. <see cref="LearningRate"/> is the base (initial)
/// learning rate of a parameter group; schedules scale it into <see cref="ParamGroup.LearningRate"/>.
/// </summary>
public abstract record OptimizerOptions
{
    public double LearningRate { get; init; }

    /// <summary>L2 penalty. Coupled (added to the gradient) for SGD and Adam, decoupled for AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid hyperparameter.</summary>
    public virtual void Validate()
    {
        Require(LearningRate >= 0 && double.IsFinite(LearningRate), $"invalid learning rate: {LearningRate}");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"invalid weight_decay value: {WeightDecay}");
    }

    /// <summary>The hyperparameters under PyTorch's names (booleans as 0/1), for optimizer state dicts.</summary>
    public abstract IReadOnlyDictionary<string, double> ToNumbers();

    protected static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }

    /// <summary>Reads one named number written by <see cref="ToNumbers"/>; a clear error when it is absent.</summary>
    protected static double Read(IReadOnlyDictionary<string, double> numbers, string name) =>
        numbers.TryGetValue(name, out var value)
            ? value
            : throw new ArgumentException($"optimizer state has no hyperparameter '{name}'");
}
