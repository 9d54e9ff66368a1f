using SharpDistill.Torch;

namespace SharpDistill.Models;

/// <summary>
/// Runs a chain of tensor functions and disposes the handles of the intermediate results as
/// soon as the next step has consumed them (autograd keeps what it needs by itself).
/// </summary>
internal static class TensorPipeline
{
    /// <summary>Applies the steps in order; <paramref name="input"/> is left alone, intermediates are disposed.</summary>
    public static Tensor Apply(this Tensor input, params Func<Tensor, Tensor>[] steps)
    {
        if (steps.Length == 0) return input.Alias();
        var current = steps[0](input);
        for (var i = 1; i < steps.Length; i++)
        {
            Tensor next;
            try { next = steps[i](current); }
            finally { current.Dispose(); }
            current = next;
        }
        return current;
    }

    /// <summary>Applies the steps in order and disposes <paramref name="input"/> too: for a value the caller no longer needs.</summary>
    public static Tensor Consume(this Tensor input, params Func<Tensor, Tensor>[] steps)
    {
        try { return input.Apply(steps); }
        finally { input.Dispose(); }
    }
}
