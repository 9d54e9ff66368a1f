namespace SharpDistill.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and coupled weight decay,
/// with exactly PyTorch's update rule (torch.optim.SGD):
/// <code>
/// d = grad + weight_decay · p
/// buf = d                                   on the first step (no dampening)
/// buf = momentum · buf + (1 − dampening) · d   afterwards
/// d = nesterov ? d + momentum · buf : buf     (when momentum ≠ 0)
/// p = p − lr · d
/// </code>
/// </summary>
public sealed class Sgd : Optimizer<SgdOptions>
{
    private static readonly string[] Buffers = { "momentum_buffer" };

    public Sgd(IEnumerable<Tensor> parameters, SgdOptions options) : base(SingleGroup(parameters, options)) { }

    public Sgd(IEnumerable<ParamGroup<SgdOptions>> groups) : base(groups.ToList()) { }

    public override string Name => "SGD";

    protected override IReadOnlyCollection<string> BufferNames => Buffers;

    protected override void Update(ParamGroup<SgdOptions> group, Tensor parameter, Tensor grad, ParameterState state)
    {
        var options = group.Options;
        // New tensors only: the gradient itself is never modified (as in PyTorch). The scope frees them.
        var d = options.WeightDecay != 0 ? grad.Add(parameter, options.WeightDecay) : grad;
        if (options.Momentum != 0)
        {
            var buffer = state.Get("momentum_buffer");
            if (buffer is null)
                buffer = state.Set("momentum_buffer", d.Clone());
            else
                buffer.Mul_(options.Momentum).Add_(d, 1 - options.Dampening);
            d = options.Nesterov ? d.Add(buffer, options.Momentum) : buffer;
        }
        parameter.Add_(d, -group.LearningRate);
    }

    protected override OptimizerOptions OptionsFromNumbers(IReadOnlyDictionary<string, double> numbers) => SgdOptions.FromNumbers(numbers);
}
