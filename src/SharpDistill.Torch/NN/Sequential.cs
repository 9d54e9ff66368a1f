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
        if (layers.Count == 0) return input.Alias();
        var current = layers[0].Forward(input);
        for (var i = 1; i < layers.Count; i++)
        {
            var next = layers[i].Forward(current);
            // Autograd keeps what it needs; the handle of an intermediate result is no longer ours to hold.
            current.Dispose();
            current = next;
        }
        return current;
    }
}
