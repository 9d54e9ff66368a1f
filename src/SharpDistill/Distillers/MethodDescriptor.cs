using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>What a method's distiller is built from; <paramref name="FeatureWidth"/> measures a model's pooled feature (DCD sizes its heads with it).</summary>
public sealed record DistillerParts(ZooModel Student, ZooModel? Teacher, Func<ZooModel, long> FeatureWidth);

/// <summary>A distillation term between student and teacher logits (no CE), a batch mean.</summary>
public delegate Tensor LogitTerm(Tensor student, Tensor teacher, Tensor labels, TrainingProgress progress);

/// <summary>A method's term for CRLD's cross-view composition; it must accept any batch of at least one sample.</summary>
public sealed record CrossViewPairLoss(LogitTerm Loss);

/// <summary>One case of a loss reference-vector file recomputed: every value and gradient it records, keyed by its names.</summary>
public delegate Dictionary<string, double[]> LossConformanceEvaluator(LossVectorCase c, DType dtype);

/// <summary>
/// Everything the library knows about one distillation method, kept in the method's own file:
/// its name (config key and <c>--method</c> value), one line of help, a new settings object with its
/// defaults (the one place they live; <c>distiller.&lt;name&gt;.*</c> binds onto it), how to build its
/// distiller, and optionally the term CRLD's cross-view consistency composes with and its loss's
/// conformance evaluator. <see cref="MethodRegistry"/> finds every implementation.
/// </summary>
public interface IMethodDescriptor
{
    string Name { get; }

    /// <summary>The name in tables and reports.</summary>
    string DisplayName => Name.ToUpperInvariant();

    string Help { get; }

    /// <summary>False only for training without a teacher (cross-entropy alone).</summary>
    bool NeedsTeacher => true;

    object CreateSettings();

    /// <param name="settings">An object from <see cref="CreateSettings"/>, possibly overridden by the config.</param>
    Distiller Create(object settings, DistillerParts parts);

    /// <summary>Null when the method does not compose with cross-view consistency.</summary>
    CrossViewPairLoss? CrossViewPair(object settings) => null;

    /// <summary>Null when the method has no reference vectors.</summary>
    LossConformanceEvaluator? Conformance => null;

    /// <summary>True for a method built from other methods (combo): studies compare the methods themselves.</summary>
    bool IsCombination => false;

    /// <summary>
    /// Checks the settings when the config is loaded, before anything starts; throws an
    /// <see cref="ArgumentException"/> naming the key. Most methods check theirs when their distiller is built.
    /// </summary>
    void Validate(object settings) { }
}

/// <summary>The settings of a method that has none (cross-entropy alone): no config section.</summary>
public sealed class NoSettings;
