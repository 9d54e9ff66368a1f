using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>
/// The methods the benchmark can time, each built from the library's distiller class with the
/// defaults of its config record (the published defaults), so the bench times exactly the loss a
/// training run would compute.
/// </summary>
public static class BenchMethods
{
    /// <summary>The teacher-free baseline: the student alone with cross-entropy.</summary>
    public const string CrossEntropyOnly = "ce";

    public static IReadOnlyList<string> Names { get; } = new[] { "crld", "kd", "dkd", "dist", "dcd", "cmkd", CrossEntropyOnly };

    /// <summary>True when the method reads the teacher's features, not only its logits (DCD's pooled feature).</summary>
    public static bool NeedsTeacherFeatures(string method) => method == "dcd";

    /// <summary>
    /// The distiller of <paramref name="method"/> over <paramref name="student"/> and the bench's
    /// <paramref name="teacher"/> replay (null only for "ce"). The distiller takes ownership of the
    /// student and the replay; the replay's real teacher stays the caller's.
    /// </summary>
    /// <param name="imageSize">Input side, used to find DCD's feature widths with a probe forward.</param>
    public static Distiller Create(string method, ZooModel student, ReplayTeacher? teacher, int imageSize, Device device)
    {
        if (method == CrossEntropyOnly) return new VanillaDistiller(student);
        if (teacher is null) throw new ArgumentException($"the {method} method needs a teacher model");
        return method switch
        {
            "crld" => new CrldDistiller(student, teacher, new CrldConfig()),
            "kd" => new KdDistiller(student, teacher, new KdConfig()),
            "dkd" => new DkdDistiller(student, teacher, new DkdConfig()),
            "dist" => new DistDistiller(student, teacher, new DistConfig()),
            "cmkd" => new CmkdDistiller(student, teacher, new CmkdConfig()),
            "dcd" => new DcdDistiller(student, teacher, new DcdConfig(),
                PooledFeatureWidth(student, imageSize, device), PooledFeatureWidth(teacher.Source, imageSize, device)),
            _ => throw new ArgumentException($"unknown method '{method}'; valid methods: {string.Join(", ", Names)}"),
        };
    }

    /// <summary>The width of a model's pooled penultimate feature, from one eval-mode forward of two blank images.</summary>
    public static long PooledFeatureWidth(ZooModel model, int imageSize, Device device)
    {
        var wasTraining = model.Training;
        model.Eval(); // no running-statistics update from the probe
        try
        {
            using var scope = new TensorScope();
            using var inference = Autograd.InferenceMode();
            var input = Tensors.Zeros(new long[] { 2, model.InChannels, imageSize, imageSize }, DType.Float32, device);
            using var output = model.Forward(input);
            return output.PooledFeat.Size(1);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
