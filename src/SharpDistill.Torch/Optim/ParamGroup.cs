namespace SharpDistill.Torch.Optim;

/// <summary>
/// Parameters that share hyperparameters (PyTorch's param_groups), e.g. one group with weight decay
/// and one without for BatchNorm and biases (see <see cref="ParameterGroups"/>).
/// </summary>
public abstract class ParamGroup
{
    private protected ParamGroup(IEnumerable<Tensor> parameters) => Parameters = parameters.ToList();

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate the next step uses. Starts at the base rate; schedules change it.</summary>
    public double LearningRate { get; set; }

    /// <summary>The base learning rate (the options' one) that schedules scale.</summary>
    public abstract double InitialLearningRate { get; }

    /// <summary>The group's hyperparameters as named numbers (PyTorch's names; "lr" is the base rate).</summary>
    public abstract IReadOnlyDictionary<string, double> HyperparameterNumbers();
}

/// <summary>A parameter group with the typed options of one optimizer.</summary>
public sealed class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
{
    private TOptions options;

    public ParamGroup(IEnumerable<Tensor> parameters, TOptions options) : base(parameters)
    {
        options.Validate();
        this.options = options;
        LearningRate = options.LearningRate;
    }

    /// <summary>The group's hyperparameters. Assigning new options also resets <see cref="ParamGroup.LearningRate"/> to their base rate.</summary>
    public TOptions Options
    {
        get => options;
        set
        {
            value.Validate();
            options = value;
            LearningRate = value.LearningRate;
        }
    }

    public override double InitialLearningRate => options.LearningRate;

    public override IReadOnlyDictionary<string, double> HyperparameterNumbers() => options.ToNumbers();
}
