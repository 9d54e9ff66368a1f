using SharpDistill.Torch;

namespace SharpDistill.Data;

/// <summary>
/// One mini-batch, ready for the model: each view as a float32 [B, C, H, W] tensor and the labels
/// as an int64 [B] tensor.
/// </summary>
/// <remarks>
/// The batch owns its tensors (they belong to no <see cref="TensorScope"/>, whichever thread built
/// them): dispose the batch when the step is done, e.g. <c>using var batch = …</c>, or
/// <c>foreach (var batch in loader.Epoch(e)) using (batch) { … }</c>.
/// </remarks>
public sealed class Batch : IDisposable
{
    internal Batch(int epoch, int number, int[] indices, Tensor[] views, Tensor labels)
    {
        Epoch = epoch;
        Number = number;
        Indices = indices;
        Views = views;
        Labels = labels;
    }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Zero-based position of the batch in its epoch.</summary>
    public int Number { get; }

    /// <summary>The dataset indices of the samples, in batch order.</summary>
    public IReadOnlyList<int> Indices { get; }

    /// <summary>Number of samples.</summary>
    public int Size => Indices.Count;

    /// <summary>The views, one [B, C, H, W] float32 tensor per view of the transform (CRLD: weak, strong).</summary>
    public IReadOnlyList<Tensor> Views { get; }

    /// <summary>The first (for single-view transforms, the only) view.</summary>
    public Tensor Images => Views[0];

    /// <summary>int64 [B] class labels.</summary>
    public Tensor Labels { get; }

    public void Dispose()
    {
        foreach (var view in Views) view.Dispose();
        Labels.Dispose();
    }
}
