namespace SharpDistill.Torch.NN;

/// <summary>
/// Runs its children in order. Children are named "0", "1", ... as in PyTorch, so state-dict keys
/// match. Intermediate results are disposed as soon as the next layer has consumed them.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        foreach (var module in modules) Append(module);
    }

    public Sequential Append(Module<Tensor, Tensor> module)
    {
        layers.Add(RegisterModule(layers.Count.ToString(), module));
        return this;
    }

    public int Count => layers.Count;

    public Module<Tensor, Tensor> this[int index] => layers[index];

    public override Tensor Forward(Tensor input)
    {
        var current = input;
        foreach (var layer in layers)
        {
            var next = layer.Forward(current);
            // Autograd keeps what it needs; the handle of an intermediate result is no longer ours to
            // hold. The caller's input is never ours, and a layer may hand back its own input object.
            if (!ReferenceEquals(current, input) && !ReferenceEquals(current, next)) current.Dispose();
            current = next;
        }
        // The result is always a new handle, so the caller may dispose it without touching the input.
        return ReferenceEquals(current, input) ? input.Alias() : current;
    }
}
