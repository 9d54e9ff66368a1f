namespace SharpDistill.Torch.Optim;

/// <summary>Hyperparameters of <see cref="Sgd"/> (PyTorch's torch.optim.SGD, same names and checks).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public bool Nesterov { get; init; }

    public override void Validate()
    {
        base.Validate();
        Require(Momentum >= 0 && double.IsFinite(Momentum), $"invalid momentum value: {Momentum}");
        Require(double.IsFinite(Dampening), $"invalid dampening value: {Dampening}");
        Require(!Nesterov || (Momentum > 0 && Dampening == 0), "Nesterov momentum requires a momentum and zero dampening");
    }

    public override IReadOnlyDictionary<string, double> ToNumbers() => new Dictionary<string, double>
    {
        ["lr"] = LearningRate,
        ["momentum"] = Momentum,
        ["dampening"] = Dampening,
        ["weight_decay"] = WeightDecay,
        ["nesterov"] = Nesterov ? 1 : 0,
    };

    public static SgdOptions FromNumbers(IReadOnlyDictionary<string, double> numbers) => new()
    {
        LearningRate = Read(numbers, "lr"),
        Momentum = Read(numbers, "momentum"),
        Dampening = Read(numbers, "dampening"),
        WeightDecay = Read(numbers, "weight_decay"),
        Nesterov = Read(numbers, "nesterov") != 0,
    };
}
