namespace SharpDistill.Torch.Optim;

/// <summary>
/// Hyperparameters of <see cref="Adam"/> and <see cref="AdamW"/> (PyTorch's defaults: lr 1e-3,
/// betas (0.9, 0.999), eps 1e-8; weight decay 0 for Adam, 1e-2 for AdamW via <see cref="ForAdamW"/>).
/// </summary>
public sealed record AdamOptions : OptimizerOptions
{
    public AdamOptions() => LearningRate = 1e-3;

    /// <summary>PyTorch's AdamW defaults: as Adam, with weight decay 1e-2.</summary>
    public static AdamOptions ForAdamW(double learningRate = 1e-3, double weightDecay = 1e-2) =>
        new() { LearningRate = learningRate, WeightDecay = weightDecay };

    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;

    /// <summary>Use the running maximum of the second moment (Reddi et al., "On the Convergence of Adam and Beyond").</summary>
    public bool Amsgrad { get; init; }

    public override void Validate()
    {
        base.Validate();
        Require(Eps >= 0 && double.IsFinite(Eps), $"invalid epsilon value: {Eps}");
        Require(Beta1 >= 0 && Beta1 < 1, $"invalid beta parameter at index 0: {Beta1}");
        Require(Beta2 >= 0 && Beta2 < 1, $"invalid beta parameter at index 1: {Beta2}");
    }

    public override IReadOnlyDictionary<string, double> ToNumbers() => new Dictionary<string, double>
    {
        ["lr"] = LearningRate,
        ["beta1"] = Beta1,
        ["beta2"] = Beta2,
        ["eps"] = Eps,
        ["weight_decay"] = WeightDecay,
        ["amsgrad"] = Amsgrad ? 1 : 0,
    };

    public static AdamOptions FromNumbers(IReadOnlyDictionary<string, double> numbers) => new()
    {
        LearningRate = Read(numbers, "lr"),
        Beta1 = Read(numbers, "beta1"),
        Beta2 = Read(numbers, "beta2"),
        Eps = Read(numbers, "eps"),
        WeightDecay = Read(numbers, "weight_decay"),
        Amsgrad = Read(numbers, "amsgrad") != 0,
    };
}
