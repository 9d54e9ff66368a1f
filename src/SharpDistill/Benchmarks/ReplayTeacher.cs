using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>
/// A stand-in teacher that hands a distiller the outputs the benchmark already computed with the
/// real teacher for the very same input tensors. The bench runs the real teacher itself, in its own
/// timed phase (separately per view, or batched), and the distiller's loss then consumes those
/// outputs through this replay, so the student phase is timed without the teacher inside it while
/// the distiller code runs unchanged.
/// </summary>
/// <remarks>
/// Inputs are matched by reference: a distiller passes on the view tensors it was given, so an
/// unknown input means the replay was not loaded for this step, which is an error rather than a
/// silent recomputation. The replay owns nothing: the loaded outputs belong to the step's
/// <see cref="TensorScope"/>, and disposing the replay never touches <see cref="Source"/>.
/// </remarks>
public sealed class ReplayTeacher : ZooModel
{
    private readonly List<(Tensor Input, TeacherViewOutput Output)> loaded = new();

    public ReplayTeacher(ZooModel source)
        : base(source.Name, source.Family, new ModelOptions((int)source.NumClasses, (int)source.InChannels, source.Variant)) =>
        Source = source;

    /// <summary>The real teacher whose outputs are replayed (its feature widths, its name).</summary>
    public ZooModel Source { get; }

    /// <summary>Makes <paramref name="outputs"/>[i] the answer for <paramref name="inputs"/>[i] until <see cref="Clear"/>.</summary>
    public void Load(IReadOnlyList<Tensor> inputs, IReadOnlyList<TeacherViewOutput> outputs)
    {
        if (inputs.Count != outputs.Count)
            throw new ArgumentException($"replay teacher: {inputs.Count} inputs but {outputs.Count} outputs");
        loaded.Clear();
        for (var i = 0; i < inputs.Count; i++) loaded.Add((inputs[i], outputs[i]));
    }

    public void Clear() => loaded.Clear();

    protected override Tensor Run(Tensor input, FeatureCollector? features)
    {
        var output = Find(input);
        if (features is null) return output.Logits.Alias();
        var full = output.Full ?? throw new InvalidOperationException(
            $"replay teacher {Name}: the distiller asked for features but only logits were computed for this input");
        for (var i = 0; i < full.Feats.Count; i++) features.AddStage(full.Feats[i], full.PreactFeats[i]);
        features.SetPooled(full.PooledFeat);
        return full.Logits.Alias();
    }

    private TeacherViewOutput Find(Tensor input)
    {
        foreach (var (candidate, output) in loaded)
            if (ReferenceEquals(candidate, input)) return output;
        throw new InvalidOperationException(
            $"replay teacher {Name}: no precomputed output for this input (shape [{string.Join(", ", input.Shape)}]); load the step's teacher outputs first");
    }
}
