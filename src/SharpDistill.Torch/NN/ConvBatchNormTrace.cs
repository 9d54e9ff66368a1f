namespace SharpDistill.Torch.NN;

/// <summary>
/// Records, during one probe forward pass, which tensor each <see cref="Conv2d"/> produced and which
/// tensor each <see cref="BatchNorm2d"/> consumed, so <see cref="BatchNormFolding"/> can find the
/// batch norms that read a convolution's output directly — whatever way a model's code chains its
/// layers. Tensors are matched by reference: a model hands a layer's result on as the same object.
/// The trace is per thread and only active inside <see cref="Record"/>.
/// </summary>
internal sealed class ConvBatchNormTrace
{
    [ThreadStatic] private static ConvBatchNormTrace? current;

    private readonly List<(Conv2d Conv, Tensor Output)> convOutputs = new();
    private readonly List<(BatchNorm2d Norm, Tensor Input)> normInputs = new();
    private readonly HashSet<Tensor> otherUses = new(ReferenceEqualityComparer.Instance);

    public static ConvBatchNormTrace? Current => current;

    /// <summary>Runs <paramref name="probe"/> with a fresh trace active on this thread and returns the trace.</summary>
    public static ConvBatchNormTrace Record(Action probe)
    {
        var previous = current;
        var trace = new ConvBatchNormTrace();
        current = trace;
        try { probe(); }
        finally { current = previous; }
        return trace;
    }

    public void ConvProduced(Conv2d conv, Tensor output) => convOutputs.Add((conv, output));

    public void BatchNormConsumed(BatchNorm2d norm, Tensor input) => normInputs.Add((norm, input));

    public void UsedElsewhere(Tensor tensor) => otherUses.Add(tensor);

    /// <summary>
    /// The (convolution, batch norm) pairs that can be folded: each convolution ran exactly once, its
    /// output was not declared used elsewhere and was read by exactly one batch-norm call, of a batch norm that ran exactly once and
    /// has as many features as the convolution has output channels.
    /// </summary>
    public IReadOnlyList<(Conv2d Conv, BatchNorm2d Norm)> FoldablePairs()
    {
        var convCalls = convOutputs.GroupBy(c => c.Conv, ReferenceEqualityComparer.Instance).ToDictionary(g => g.Key!, g => g.Count(), ReferenceEqualityComparer.Instance);
        var normCalls = normInputs.GroupBy(n => n.Norm, ReferenceEqualityComparer.Instance).ToDictionary(g => g.Key!, g => g.Count(), ReferenceEqualityComparer.Instance);
        var pairs = new List<(Conv2d, BatchNorm2d)>();
        foreach (var (conv, output) in convOutputs)
        {
            if (convCalls[conv] != 1 || otherUses.Contains(output)) continue;
            var readers = normInputs.Where(n => ReferenceEquals(n.Input, output)).ToList();
            if (readers.Count != 1) continue;
            var norm = readers[0].Norm;
            if (normCalls[norm] != 1 || norm.NumFeatures != conv.OutChannels) continue;
            pairs.Add((conv, norm));
        }
        return pairs;
    }
}
