using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;

namespace SharpDistill.Benchmarks;

/// <summary>
/// How the benchmark builds a method's distiller: through the same <see cref="DistillerConfig"/> a
/// training run resolves (the method's defaults), so the bench times exactly the loss training computes.
/// </summary>
public static class BenchMethods
{
    /// <summary>The distiller config of a training run with <paramref name="method"/> and nothing overridden.</summary>
    public static DistillerConfig Config(string method) => new() { Method = method };

    /// <summary>
    /// The distiller of <paramref name="method"/> over <paramref name="student"/> and the bench's
    /// <paramref name="teacher"/> replay (null for a teacher-free method). The distiller takes ownership
    /// of the student and the replay; the replay's real teacher stays the caller's.
    /// </summary>
    public static Distiller Create(string method, ZooModel student, ReplayTeacher? teacher) =>
        Config(method).CreateDistiller(student, teacher, model => MethodRegistry.PooledFeatureWidth(model is ReplayTeacher replay ? replay.Source : model));
}
