namespace SharpDistill.Torch;

/// <summary>
/// Checks a requested shape before it reaches libtorch, so that a shape whose element count cannot
/// exist (negative sizes, or a product beyond 2^63) is refused with a message that names the
/// operation and the shape; libtorch's own overflow message names neither.
/// </summary>
internal static class ShapeCheck
{
    /// <param name="operation">The user-facing name, e.g. "Zeros" or "Reshape".</param>
    /// <param name="shape">The requested sizes.</param>
    /// <param name="maxInferred">How many sizes may be -1: one for View/Reshape (inferred), any for Expand (kept).</param>
    public static void Sizes(string operation, ReadOnlySpan<long> shape, int maxInferred = 0)
    {
        long count = 1;
        var overflow = false;
        var inferred = 0;
        foreach (var size in shape)
        {
            if (size == -1 && maxInferred > 0)
            {
                if (++inferred > maxInferred) throw new TorchArgumentException($"{operation}: shape {Describe(shape)} has more than one inferred (-1) size");
                continue;
            }
            if (size < 0) throw new TorchArgumentException($"{operation}: shape {Describe(shape)} has a negative size");
            if (size != 0 && count > long.MaxValue / size) overflow = true;
            else count *= size;
        }
        // A zero size makes the tensor empty however large the others are.
        if (overflow && !shape.Contains(0L))
            throw new TorchArgumentException($"{operation}: shape {Describe(shape)} has more than 2^63 elements, more than any tensor can hold");
    }

    private static string Describe(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
