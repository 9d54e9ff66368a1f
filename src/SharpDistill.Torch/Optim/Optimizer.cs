using System.Globalization;
using SharpDistill.Torch.Optim.Schedules;

namespace SharpDistill.Torch.Optim;

/// <summary>
/// Base of every optimizer: parameter groups, per-parameter state, <see cref="ZeroGrad"/>,
/// <see cref="Step"/> and state dicts that resume exactly. Updates are in-place tensor operations
/// under no-grad; temporaries of a step are freed at once, whatever scope the caller is in.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly IReadOnlyList<ParamGroup> groups;
    private ParameterState[] states;

    protected Optimizer(IReadOnlyList<ParamGroup> groups)
    {
        this.groups = groups;
        var all = groups.SelectMany(g => g.Parameters).ToList();
        if (all.Count == 0) throw new ArgumentException("optimizer got an empty parameter list");
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in all)
        {
            if (!seen.Add(p)) throw new ArgumentException("some parameters appear more than once in the optimizer's parameter groups");
            if (!p.IsLeaf) throw new ArgumentException($"cannot optimize a non-leaf tensor (shape [{string.Join(", ", p.Shape)}])");
        }
        states = all.Select(_ => new ParameterState()).ToArray();
    }

    /// <summary>The name written into state dicts ("SGD", "Adam", "AdamW").</summary>
    public abstract string Name { get; }

    public IReadOnlyList<ParamGroup> ParamGroups => groups;

    /// <summary>Every parameter, in state-dict order (groups in order, then parameters in order).</summary>
    public IEnumerable<Tensor> Parameters => groups.SelectMany(g => g.Parameters);

    /// <summary>The state of the <paramref name="index"/>-th parameter (state-dict order).</summary>
    public ParameterState State(int index) => states[index];

    /// <summary>Names of the per-parameter buffers this optimizer may keep (checked when loading a state).</summary>
    protected abstract IReadOnlyCollection<string> BufferNames { get; }

    /// <summary>Clears every parameter's gradient (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.Grad = null;
    }

    /// <summary>Updates every parameter that has a gradient; parameters without one are left alone, as in PyTorch.</summary>
    public void Step()
    {
        using var noGrad = Autograd.NoGrad();
        var index = 0;
        foreach (var group in groups)
            foreach (var parameter in group.Parameters)
            {
                // One scope per parameter: temporaries of the update are freed before the next one.
                using (new TensorScope())
                {
                    var grad = parameter.Grad;
                    if (grad is not null) Update(group, parameter, grad, states[index]);
                }
                index++;
            }
    }

    /// <summary>Applies one update to <paramref name="parameter"/> in place. Runs under no-grad inside a scope.</summary>
    protected abstract void Update(ParamGroup group, Tensor parameter, Tensor grad, ParameterState state);

    /// <summary>Sets every group's learning rate from its base rate at a point of training (see <see cref="LearningRateSchedule"/>).</summary>
    public void SetLearningRate(LearningRateSchedule schedule, int epoch, double epochProgress = 0)
    {
        foreach (var group in groups) group.LearningRate = schedule.LearningRate(group.InitialLearningRate, epoch, epochProgress);
    }

    /// <summary>A snapshot (copies) of the optimizer's state; see <see cref="OptimizerStateDict"/> for the keys.</summary>
    public OptimizerStateDict StateDict()
    {
        var tensors = new Dictionary<string, Tensor>();
        var numbers = new Dictionary<string, double>();
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var (name, value) in groups[g].HyperparameterNumbers())
                numbers[$"param_groups.{g}.{(name == "lr" ? "initial_lr" : name)}"] = value;
            numbers[$"param_groups.{g}.lr"] = groups[g].LearningRate;
            numbers[$"param_groups.{g}.params"] = groups[g].Parameters.Count;
        }
        using (Autograd.NoGrad())
            for (var i = 0; i < states.Length; i++)
            {
                if (states[i].Step != 0) numbers[$"state.{i}.step"] = states[i].Step;
                foreach (var (name, buffer) in states[i].Buffers) tensors[$"state.{i}.{name}"] = buffer.Clone();
            }
        return new OptimizerStateDict(Name, tensors, numbers);
    }

    /// <summary>
    /// Restores a state written by <see cref="StateDict"/> of the same kind of optimizer over
    /// parameters of the same shapes, grouped the same way. The buffers are copied (converted to
    /// each parameter's device and dtype). Nothing changes unless the whole state fits.
    /// </summary>
    public void LoadStateDict(OptimizerStateDict state)
    {
        if (state.Optimizer != Name)
            throw new ArgumentException($"optimizer state was written by {state.Optimizer}, it cannot be loaded into {Name}");
        var parameters = Parameters.ToList();
        var problems = new List<string>();

        var groupNumbers = new Dictionary<string, double>[groups.Count];
        for (var g = 0; g < groups.Count; g++) groupNumbers[g] = new Dictionary<string, double>();
        var steps = new long[parameters.Count];
        foreach (var (key, value) in state.Numbers)
        {
            var (kind, index, name) = ParseKey(key);
            if (kind == "param_groups" && index >= 0 && index < groups.Count && name != null)
                groupNumbers[index][name] = value;
            else if (kind == "state" && index >= 0 && index < parameters.Count && name == "step" && value >= 0 && value == Math.Floor(value))
                steps[index] = (long)value;
            else
                problems.Add($"unexpected entry '{key}' = {value.ToString(CultureInfo.InvariantCulture)}");
        }
        for (var g = 0; g < groups.Count; g++)
        {
            var count = groupNumbers[g].GetValueOrDefault("params", -1);
            if (count != groups[g].Parameters.Count)
                problems.Add(count < 0
                    ? $"parameter group {g} is missing from the state"
                    : $"parameter group {g} has {groups[g].Parameters.Count} parameters but the state has {count}");
        }
        if (state.Numbers.Keys.Any(k => k.StartsWith("param_groups.", StringComparison.Ordinal) && ParseKey(k).Index >= groups.Count))
            problems.Add($"the state has more than {groups.Count} parameter groups");
        foreach (var (key, tensor) in state.Tensors)
        {
            var (kind, index, name) = ParseKey(key);
            if (kind != "state" || index < 0 || index >= parameters.Count || name is null || !BufferNames.Contains(name))
                problems.Add($"unexpected tensor '{key}'");
            else if (!tensor.Shape.SequenceEqual(parameters[index].Shape))
                problems.Add($"'{key}' has shape [{string.Join(", ", tensor.Shape)}] but parameter {index} has [{string.Join(", ", parameters[index].Shape)}]");
        }
        if (problems.Count > 0)
            throw new ArgumentException($"{Name} state does not fit this optimizer: {string.Join("; ", problems)}");

        // Validate every group's hyperparameters before changing anything.
        var restored = new List<(OptimizerOptions Options, double Rate)>();
        for (var g = 0; g < groups.Count; g++)
        {
            var numbers = new Dictionary<string, double>(groupNumbers[g]);
            if (!numbers.Remove("initial_lr", out var initial) || !numbers.TryGetValue("lr", out var rate))
                throw new ArgumentException($"{Name} state lacks the learning rates of parameter group {g}");
            numbers["lr"] = initial;
            numbers.Remove("params");
            OptimizerOptions options;
            try
            {
                options = OptionsFromNumbers(numbers);
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{Name} state, parameter group {g}: {e.Message}", e);
            }
            var unknown = numbers.Keys.Except(options.ToNumbers().Keys).ToList();
            if (unknown.Count > 0)
                throw new ArgumentException($"{Name} state, parameter group {g}: unexpected hyperparameters {string.Join(", ", unknown)}");
            restored.Add((options, rate));
        }

        var fresh = parameters.Select((_, i) => new ParameterState { Step = steps[i] }).ToArray();
        using (Autograd.NoGrad())
            foreach (var (key, tensor) in state.Tensors)
            {
                var (_, index, name) = ParseKey(key);
                var p = parameters[index];
                var dtype = tensor.DType.IsFloatingPoint() && p.DType.IsFloatingPoint() ? p.DType : tensor.DType;
                fresh[index].Set(name!, tensor.To(p.Device, dtype, copy: true));
            }
        foreach (var old in states) old.Dispose();
        states = fresh;
        for (var g = 0; g < groups.Count; g++)
        {
            SetOptions(groups[g], restored[g].Options);
            groups[g].LearningRate = restored[g].Rate;
        }
    }

    protected abstract OptimizerOptions OptionsFromNumbers(IReadOnlyDictionary<string, double> numbers);

    protected abstract void SetOptions(ParamGroup group, OptimizerOptions options);

    private static (string Kind, int Index, string? Name) ParseKey(string key)
    {
        var parts = key.Split('.');
        return parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (parts[0], index, parts[2])
            : (key, -1, null);
    }

    /// <summary>Frees the optimizer's state (not the parameters).</summary>
    public void Dispose()
    {
        foreach (var state in states) state.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>An optimizer whose parameter groups carry options of type <typeparamref name="TOptions"/>.</summary>
public abstract class Optimizer<TOptions> : Optimizer where TOptions : OptimizerOptions
{
    protected Optimizer(IReadOnlyList<ParamGroup<TOptions>> groups) : base(groups) => Groups = groups;

    /// <summary>The parameter groups with their typed options (change <see cref="ParamGroup{TOptions}.Options"/> to retune a group).</summary>
    public IReadOnlyList<ParamGroup<TOptions>> Groups { get; }

    protected sealed override void Update(ParamGroup group, Tensor parameter, Tensor grad, ParameterState state) =>
        Update((ParamGroup<TOptions>)group, parameter, grad, state);

    protected abstract void Update(ParamGroup<TOptions> group, Tensor parameter, Tensor grad, ParameterState state);

    protected sealed override void SetOptions(ParamGroup group, OptimizerOptions options) =>
        ((ParamGroup<TOptions>)group).Options = (TOptions)options;

    protected static IReadOnlyList<ParamGroup<TOptions>> SingleGroup(IEnumerable<Tensor> parameters, TOptions options) =>
        new[] { new ParamGroup<TOptions>(parameters, options) };
}
