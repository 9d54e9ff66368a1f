namespace SharpDistill.Torch.NN;

/// <summary>
/// Base of every layer and model: named parameters, buffers and children, train/eval mode,
/// state dicts with shape checks. Parameters and buffers are owned by the module (never by a
/// <see cref="TensorScope"/>) and disposed with it.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> parameters = new();
    private readonly List<KeyValuePair<string, Tensor>> buffers = new();
    private readonly List<KeyValuePair<string, Module>> children = new();
    private bool disposed;

    /// <summary>True in training mode (batch statistics, dropout on); false in eval mode.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a trainable parameter: it is taken out of any scope and set to require grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromScope();
        tensor.RequiresGrad = true;
        parameters.Add(new(name, tensor));
        return tensor;
    }

    /// <summary>Registers a buffer: state saved in the state dict but not trained (e.g. BN running statistics).</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.DetachFromScope();
        buffers.Add(new(name, tensor));
        return tensor;
    }

    /// <summary>Registers a child module under <paramref name="name"/>; returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        children.Add(new(name, module));
        module.Train(Training);
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"invalid member name '{name}': it must be non-empty and contain no '.'");
        if (parameters.Any(p => p.Key == name) || buffers.Any(b => b.Key == name) || children.Any(c => c.Key == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
    }

    public IEnumerable<KeyValuePair<string, Module>> NamedChildren() => children;

    /// <summary>This module and every descendant, with dotted paths ("" for this one).</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules(string prefix = "")
    {
        yield return new(prefix, this);
        foreach (var (name, child) in children)
            foreach (var entry in child.NamedModules(Join(prefix, name)))
                yield return entry;
    }

    /// <summary>
    /// Parameters with dotted paths. A tensor registered in several places (a shared weight) is
    /// listed once, under its first path, as in PyTorch, so optimizers and counts see it once.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters(bool recurse = true) =>
        Distinct(Named(m => m.parameters, recurse));

    /// <summary>Buffers with dotted paths; a shared buffer is listed once.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(bool recurse = true) => Distinct(Named(m => m.buffers, recurse));

    public IEnumerable<Tensor> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Value);

    public IEnumerable<Tensor> Buffers(bool recurse = true) => NamedBuffers(recurse).Select(p => p.Value);

    /// <summary>Total number of elements in the trainable parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => p.NumEl);

    private IEnumerable<KeyValuePair<string, Tensor>> Named(Func<Module, List<KeyValuePair<string, Tensor>>> select, bool recurse)
    {
        foreach (var (path, module) in recurse ? NamedModules() : new[] { new KeyValuePair<string, Module>("", this) })
            foreach (var (name, tensor) in select(module))
                yield return new(Join(path, name), tensor);
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> Distinct(IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
            if (seen.Add(entry.Value))
                yield return entry;
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Sets training mode on this module and every descendant. Returns this.</summary>
    public virtual Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in children) child.Train(mode);
        return this;
    }

    /// <summary>Eval mode: running statistics, no dropout. Returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>Turns gradient tracking of every parameter on or off (e.g. to freeze a teacher).</summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        foreach (var p in Parameters()) p.RequiresGrad = requiresGrad;
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>
    /// Moves every parameter and buffer to a device and/or floating dtype (integer buffers such as
    /// BatchNorm's num_batches_tracked keep their dtype), keeping their identity so optimizers and
    /// other references stay valid. Existing gradients move with their parameters. Returns this.
    /// </summary>
    public Module To(Device device, DType? floatingType = null)
    {
        // The conversion itself must not be recorded: a parameter is a leaf before and after.
        using var noGrad = Autograd.NoGrad();
        foreach (var tensor in Parameters().Concat(Buffers()))
        {
            var dtype = floatingType.HasValue && tensor.DType.IsFloatingPoint() ? floatingType.Value : tensor.DType;
            using var grad = tensor.Grad;
            using (var moved = tensor.To(device, dtype))
                tensor.SetData(moved);
            if (grad is null) continue;
            using var movedGrad = grad.To(device, dtype);
            tensor.Grad = movedGrad;
        }
        return this;
    }

    /// <summary>
    /// Lays out every 4-D parameter (convolution weights) in <paramref name="format"/>, keeping their
    /// identity like <see cref="To(Device, DType?)"/>. With channels-last weights and inputs,
    /// libtorch's convolutions produce channels-last outputs. Returns this.
    /// </summary>
    public Module ToMemoryFormat(MemoryFormat format)
    {
        using var noGrad = Autograd.NoGrad();
        foreach (var tensor in Parameters().Concat(Buffers()).Where(t => t.Dim == 4))
            using (var laidOut = tensor.ToMemoryFormat(format))
                tensor.SetData(laidOut);
        return this;
    }

    /// <summary>Moves every floating parameter and buffer to <paramref name="floatingType"/> on its current device.</summary>
    public Module To(DType floatingType)
    {
        var first = Parameters().Concat(Buffers()).FirstOrDefault();
        return first is null ? this : To(first.Device, floatingType);
    }

    /// <summary>
    /// Parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then its
    /// buffers, then its children), as new handles that share storage with the module (owned by the
    /// caller or the current scope). A shared tensor appears under every path that holds it.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (path, module) in NamedModules())
            foreach (var (name, tensor) in module.parameters.Concat(module.buffers))
                result[Join(path, name)] = tensor.Detach();
        return result;
    }

    /// <summary>
    /// Copies values into the module's parameters and buffers. Every shape must match. With
    /// <paramref name="strict"/>, missing and unexpected keys are errors too. Nothing is changed
    /// unless the whole dict fits.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        var own = NamedModules()
            .SelectMany(m => m.Value.parameters.Concat(m.Value.buffers).Select(t => new KeyValuePair<string, Tensor>(Join(m.Key, t.Key), t.Value)))
            .ToDictionary(p => p.Key, p => p.Value);
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misShaped = own.Where(p => stateDict.TryGetValue(p.Key, out var v) && !p.Value.Shape.SequenceEqual(v.Shape))
            .Select(p => $"{p.Key}: expected [{string.Join(", ", p.Value.Shape)}], got [{string.Join(", ", stateDict[p.Key].Shape)}]")
            .ToList();
        var problems = new List<string>();
        if (misShaped.Count > 0) problems.Add("shape mismatch for " + string.Join("; ", misShaped));
        if (strict && missing.Count > 0) problems.Add("missing keys: " + string.Join(", ", missing));
        if (strict && unexpected.Count > 0) problems.Add("unexpected keys: " + string.Join(", ", unexpected));
        if (problems.Count > 0)
            throw new StateDictMismatchException($"state dict does not fit {GetType().Name}: {string.Join(" | ", problems)}",
                missing, unexpected, misShaped);
        using var noGrad = Autograd.NoGrad();
        foreach (var (name, tensor) in own)
            if (stateDict.TryGetValue(name, out var value))
                tensor.Copy_(value);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, child) in children) child.Dispose();
        foreach (var (_, p) in parameters) p.Dispose();
        foreach (var (_, b) in buffers) b.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A module with a typed forward pass.</summary>
public abstract class Module<TInput, TOutput> : Module
{
    public abstract TOutput Forward(TInput input);

    public TOutput Call(TInput input) => Forward(input);
}

/// <summary>A state dict that does not fit a module: lists the missing, unexpected and mis-shaped keys.</summary>
public sealed class StateDictMismatchException : TorchArgumentException
{
    public StateDictMismatchException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> misShaped) : base(message)
    {
        Missing = missing;
        Unexpected = unexpected;
        MisShaped = misShaped;
    }

    public IReadOnlyList<string> Missing { get; }
    public IReadOnlyList<string> Unexpected { get; }
    public IReadOnlyList<string> MisShaped { get; }
}
