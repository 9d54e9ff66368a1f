using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>The teacher's output for one view: its logits, and its full output when features were asked for.</summary>
public sealed record TeacherViewOutput(Tensor Logits, ModelOutput? Full);

/// <summary>How the frozen teacher processes the views of one step.</summary>
public enum TeacherForwardMode
{
    /// <summary>One forward call per view, exactly as the distillers call it.</summary>
    Separate,

    /// <summary>The views concatenated along the batch, one forward call, the logits split back per view.</summary>
    Batched,
}

/// <summary>
/// The teacher's forward pass over a step's views, in eval mode under inference mode (no autograd
/// state at all), as <see cref="Distillers.Distiller"/> runs it.
/// </summary>
/// <remarks>
/// Why batching the views is valid: the teacher is in eval mode, where batch normalisation uses its
/// stored running statistics instead of the batch's, and the zoo models have no other layer that
/// mixes samples (dropout is off in eval mode). Each sample's logits are therefore a function of
/// that sample alone, so running [weak; strong] as one batch of 2B gives mathematically the same
/// logits as two calls of B. Bitwise equality is a separate, empirical question (a kernel may block
/// or vectorise differently for another batch size), which <see cref="TeacherBatchingCheck"/> verifies
/// before the benchmark relies on it.
/// </remarks>
public static class TeacherForward
{
    /// <summary>
    /// The teacher's outputs for each of <paramref name="views"/>, owned by the current scope.
    /// <paramref name="withFeatures"/> asks for the full output (logits and features); only
    /// <see cref="TeacherForwardMode.Separate"/> supports it.
    /// </summary>
    public static TeacherViewOutput[] Run(ZooModel teacher, IReadOnlyList<Tensor> views, TeacherForwardMode mode, bool withFeatures = false)
    {
        if (teacher.Training)
            throw new InvalidOperationException($"teacher {teacher.Name} must be in eval mode: in training mode batch-norm would use (and update) batch statistics");
        using var inference = Autograd.InferenceMode();
        if (mode == TeacherForwardMode.Separate || views.Count == 1)
        {
            return views.Select(view => withFeatures
                ? Full(teacher.Forward(view))
                : new TeacherViewOutput(teacher.ForwardLogits(view), null)).ToArray();
        }
        if (withFeatures)
            throw new NotSupportedException("batched teacher forwards return logits only; use separate calls when features are needed");

        var batch = Tensors.Cat(views);
        var logits = teacher.ForwardLogits(batch);
        var result = new TeacherViewOutput[views.Count];
        long start = 0;
        for (var v = 0; v < views.Count; v++)
        {
            var size = views[v].Size(0);
            result[v] = new TeacherViewOutput(logits.Narrow(0, start, size), null);
            start += size;
        }
        batch.Dispose();
        logits.Dispose(); // the narrowed views keep the storage alive
        return result;
    }

    private static TeacherViewOutput Full(ModelOutput output) => new(output.Logits, output);
}
