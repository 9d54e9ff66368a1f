namespace SharpDistill.Torch.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba) with PyTorch's update rule (torch.optim.Adam), optional AMSGrad, and
/// coupled weight decay (added to the gradient). For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public class Adam : Optimizer<AdamOptions>
{
    private static readonly string[] Buffers = { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" };

    public Adam(IEnumerable<Tensor> parameters, AdamOptions? options = null) : base(SingleGroup(parameters, options ?? new AdamOptions())) { }

    public Adam(IEnumerable<ParamGroup<AdamOptions>> groups) : base(groups.ToList()) { }

    public override string Name => "Adam";

    protected override IReadOnlyCollection<string> BufferNames => Buffers;

    /// <summary>True for AdamW: weight decay shrinks the parameter directly instead of entering the gradient.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    protected override void Update(ParamGroup<AdamOptions> group, Tensor parameter, Tensor grad, ParameterState state)
    {
        var o = group.Options;
        var lr = group.LearningRate;
        state.Step++;
        if (DecoupledWeightDecay)
            parameter.Mul_(1 - lr * o.WeightDecay);
        else if (o.WeightDecay != 0)
            grad = grad.Add(parameter, o.WeightDecay);

        var expAvg = state.Get("exp_avg") ?? state.Set("exp_avg", Tensors.ZerosLike(parameter));
        var expAvgSq = state.Get("exp_avg_sq") ?? state.Set("exp_avg_sq", Tensors.ZerosLike(parameter));
        expAvg.Mul_(o.Beta1).Add_(grad, 1 - o.Beta1);
        expAvgSq.Mul_(o.Beta2).AddCMul_(grad, grad, 1 - o.Beta2);

        var biasCorrection1 = 1 - Math.Pow(o.Beta1, state.Step);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(o.Beta2, state.Step));
        var secondMoment = expAvgSq;
        if (o.Amsgrad)
        {
            var max = state.Get("max_exp_avg_sq") ?? state.Set("max_exp_avg_sq", Tensors.ZerosLike(parameter));
            max.Copy_(max.Maximum(expAvgSq));
            secondMoment = max;
        }
        // denom = √v / √(1 − β2^t) + eps;  p −= lr / (1 − β1^t) · m / denom. Temporaries die with the step's scope.
        var denom = secondMoment.Sqrt().Div(biasCorrection2Sqrt).Add_(o.Eps);
        parameter.AddCDiv_(expAvg, denom, -lr / biasCorrection1);
    }

    protected override OptimizerOptions OptionsFromNumbers(IReadOnlyDictionary<string, double> numbers) => AdamOptions.FromNumbers(numbers);
}
