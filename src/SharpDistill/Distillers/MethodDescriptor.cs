using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>What a method's distiller is built from: the student, the frozen teacher (null for teacher-free methods) and a way to measure pooled-feature widths.</summary>
/// <param name="FeatureWidth">The width of a model's pooled penultimate feature (feature methods such as DCD size their heads with it).</param>
public sealed record DistillerParts(ZooModel Student, ZooModel? Teacher, Func<ZooModel, long> FeatureWidth);

/// <summary>
/// Everything the library knows about one distillation method, in the method's own file: its name
/// (the config key and the <c>--method</c> value), one line of help, its settings type (the one place
/// its defaults live; <c>distiller.&lt;name&gt;.*</c> binds onto it and <c>config</c> prints it), how to
/// build its distiller, and optionally its loss's conformance evaluator and the pair loss that
/// CRLD's cross-view consistency can be composed with. <see cref="MethodRegistry"/> finds every
/// non-abstract implementation with a public parameterless constructor in the loaded assemblies.
/// </summary>
public interface IMethodDescriptor
{
    /// <summary>Lower-case name, e.g. "kd".</summary>
    string Name { get; }

    /// <summary>The name in tables and reports, e.g. "KD".</summary>
    string DisplayName { get; }

    /// <summary>One line for the command-line help.</summary>
    string Help { get; }

    /// <summary>False only for teacher-free training (cross-entropy alone).</summary>
    bool NeedsTeacher { get; }

    Type SettingsType { get; }

    /// <summary>A new settings object holding the method's defaults.</summary>
    object CreateSettings();

    /// <summary>The distiller, with <paramref name="settings"/> (an instance of <see cref="SettingsType"/>).</summary>
    Distiller Create(object settings, DistillerParts parts);

    /// <summary>The method's distillation term for CRLD's cross-view composition, or null when it does not compose.</summary>
    CrossViewPairLoss? CrossViewPair(object settings);

    /// <summary>Recomputes one case of a loss reference-vector file, or null when the method has no vectors.</summary>
    LossConformanceEvaluator? Conformance { get; }
}

/// <summary>A reference case recomputed: every value and gradient the file records, as doubles keyed by the file's names.</summary>
public delegate Dictionary<string, double[]> LossConformanceEvaluator(LossVectorCase c, DType dtype);

/// <summary>
/// A method's weighted distillation term between one student and one teacher output (no CE), as a
/// batch mean; <paramref name="MinimumBatch"/> is the fewest samples it accepts.
/// </summary>
public sealed record CrossViewPairLoss(Func<Tensor, Tensor, Tensor, TrainingProgress, Tensor> Loss, int MinimumBatch = 1);

/// <summary>The usual base of a descriptor: typed settings, a teacher check, and no composition or vectors unless overridden.</summary>
public abstract class MethodDescriptor<TSettings> : IMethodDescriptor where TSettings : class, new()
{
    public abstract string Name { get; }
    public virtual string DisplayName => Name.ToUpperInvariant();
    public abstract string Help { get; }
    public virtual bool NeedsTeacher => true;
    public Type SettingsType => typeof(TSettings);
    public virtual LossConformanceEvaluator? Conformance => null;

    public object CreateSettings() => new TSettings();

    public Distiller Create(object settings, DistillerParts parts)
    {
        if (NeedsTeacher && parts.Teacher is null)
            throw new ArgumentException($"the {Name} method needs a teacher: set models.teacher and models.teacher_checkpoint");
        return Create(Typed(settings), parts);
    }

    public CrossViewPairLoss? CrossViewPair(object settings) => CrossViewPair(Typed(settings));

    protected abstract Distiller Create(TSettings settings, DistillerParts parts);

    protected virtual CrossViewPairLoss? CrossViewPair(TSettings settings) => null;

    private TSettings Typed(object settings) => settings as TSettings
        ?? throw new ArgumentException($"the {Name} method takes {typeof(TSettings).Name}, not {settings?.GetType().Name ?? "null"}");
}

/// <summary>The settings of a method that has none (cross-entropy alone): no config section.</summary>
public sealed class NoSettings;
