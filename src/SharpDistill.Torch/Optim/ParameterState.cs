namespace SharpDistill.Torch.Optim;

/// <summary>
/// What an optimizer remembers about one parameter: named buffers (momentum, Adam's moments) and a
/// step count. The buffers are owned here, never by a <see cref="TensorScope"/>, because they must
/// outlive the training step that creates them.
/// </summary>
public sealed class ParameterState : IDisposable
{
    private readonly Dictionary<string, Tensor> buffers = new();

    /// <summary>Number of updates applied to this parameter (used by Adam's bias correction).</summary>
    public long Step { get; set; }

    public IReadOnlyDictionary<string, Tensor> Buffers => buffers;

    public Tensor? Get(string name) => buffers.GetValueOrDefault(name);

    /// <summary>Stores <paramref name="value"/> under <paramref name="name"/>, taking ownership; disposes a previous buffer. Returns it.</summary>
    public Tensor Set(string name, Tensor value)
    {
        value.DetachFromScope();
        if (buffers.TryGetValue(name, out var old) && !ReferenceEquals(old, value)) old.Dispose();
        buffers[name] = value;
        return value;
    }

    /// <summary>True when nothing has been stored yet (the parameter has never been updated).</summary>
    public bool IsEmpty => buffers.Count == 0 && Step == 0;

    public void Dispose()
    {
        foreach (var buffer in buffers.Values) buffer.Dispose();
        buffers.Clear();
    }
}
