namespace SharpDistill.Torch;

/// <summary>One index in <c>tensor[...]</c>: an integer (selects and drops the dimension) or a range (slices).</summary>
public readonly struct TensorIndex
{
    private readonly Index? single;
    private readonly Range? range;
    private readonly long step;

    private TensorIndex(Index? single, Range? range, long step)
    {
        this.single = single;
        this.range = range;
        this.step = step;
    }

    /// <summary>The whole dimension (Python's <c>:</c>).</summary>
    public static readonly TensorIndex All = new(null, Range.All, 1);

    public static TensorIndex Step(Range range, long step) =>
        step > 0 ? new(null, range, step) : throw new TorchArgumentException($"slice step must be positive, got {step}");

    /// <summary>An integer index; negative counts from the end (−1 is the last), as in PyTorch.</summary>
    public static implicit operator TensorIndex(int i) =>
        i == int.MinValue
            ? throw new TorchIndexException($"index {i} is out of the supported range of tensor indices")
            : new(i >= 0 ? new Index(i) : new Index(-i, fromEnd: true), null, 1);
    public static implicit operator TensorIndex(long i) =>
        i is >= int.MinValue + 1 and <= int.MaxValue
            ? (int)i
            : throw new TorchIndexException($"index {i} is out of the supported range of tensor indices");
    public static implicit operator TensorIndex(Index i) => new(i, null, 1);
    public static implicit operator TensorIndex(Range r) => new(null, r, 1);

    internal static Tensor Apply(Tensor tensor, TensorIndex[] indices)
    {
        var shape = tensor.Shape;
        if (indices.Length > shape.Length)
            throw new TorchIndexException($"too many indices ({indices.Length}) for a tensor of {shape.Length} dimensions");
        var current = tensor;
        long dim = 0;
        try
        {
            for (var k = 0; k < indices.Length; k++)
            {
                var size = shape[k];
                var next = indices[k].ApplyTo(current, dim, size, out var keepsDim);
                if (!ReferenceEquals(current, tensor)) current.Dispose();
                current = next;
                if (keepsDim) dim++;
            }
        }
        catch
        {
            // A bad index after a good one: free the intermediate view now rather than leave it.
            if (!ReferenceEquals(current, tensor)) current.Dispose();
            throw;
        }
        return ReferenceEquals(current, tensor) ? tensor.Alias() : current;
    }

    private Tensor ApplyTo(Tensor t, long dim, long size, out bool keepsDim)
    {
        if (single is { } index)
        {
            keepsDim = false;
            long i = index.IsFromEnd ? size - index.Value : index.Value;
            if (i < 0 || i >= size)
                throw new TorchIndexException($"index {(index.IsFromEnd ? "^" + index.Value : index.Value.ToString())} is out of bounds for dimension {dim} with size {size}");
            return t.Select(dim, i);
        }
        keepsDim = true;
        if (range is not { } r)
            throw new TorchArgumentException("default(TensorIndex) is not an index: use an integer, a range or TensorIndex.All");
        long start = r.Start.IsFromEnd ? size - r.Start.Value : r.Start.Value;
        long end = r.End.IsFromEnd ? size - r.End.Value : r.End.Value;
        start = Math.Clamp(start, 0, size);
        end = Math.Clamp(end, start, size);
        return t.Slice(dim, start, end, step);
    }
}
