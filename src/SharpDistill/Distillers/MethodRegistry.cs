using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// The distillation methods, found rather than listed: every <see cref="IMethodDescriptor"/> with a
/// public parameterless constructor in this assembly or in any loaded assembly that references it
/// (so a plug-in or a test project adds a method without touching this library). Help, config,
/// bench, study and conformance all read the methods from here.
/// </summary>
public static class MethodRegistry
{
    private static readonly Lazy<IReadOnlyList<IMethodDescriptor>> Found = new(Discover);

    /// <summary>Every method: the teacher-free one first, then by name, then combinations of methods.</summary>
    public static IReadOnlyList<IMethodDescriptor> All => Found.Value;

    public static IReadOnlyList<string> Names => All.Select(m => m.Name).ToArray();

    /// <summary>The methods that distil from a teacher (what `distill` and `study` offer).</summary>
    public static IReadOnlyList<IMethodDescriptor> Distillation => All.Where(m => m.NeedsTeacher).ToArray();

    /// <summary>The method called <paramref name="name"/> (any case); an unknown name lists the valid ones.</summary>
    public static IMethodDescriptor Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown distillation method '{name}'; valid methods: {string.Join(", ", Names)}");

    /// <summary>The size of a model's pooled penultimate feature, found with one tiny forward in eval mode.</summary>
    public static long PooledFeatureWidth(ZooModel model)
    {
        var size = model.Variant == ModelVariant.TinyImageNet ? 32 : model.NativeInputSize;
        var wasTraining = model.Training;
        model.Eval(); // no running-statistics update from the probe
        try
        {
            using var scope = new TensorScope();
            using var inference = Autograd.InferenceMode();
            var device = model.Parameters().First().Device;
            var probe = Tensors.Zeros(new long[] { 1, model.InChannels, size, size }, DType.Float32, device);
            using var output = model.Forward(probe);
            return output.PooledFeat.Size(1);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    // Runs once, on first use: by then the entry assembly (the CLI, a test project) and what it references are loaded.
    private static IReadOnlyList<IMethodDescriptor> Discover()
    {
        var self = typeof(MethodRegistry).Assembly;
        var methods = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a == self || (!a.IsDynamic && a.GetReferencedAssemblies().Any(r => r.Name == self.GetName().Name)))
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IMethodDescriptor).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) != null)
            .Select(t => (IMethodDescriptor)Activator.CreateInstance(t)!)
            .OrderBy(m => m.NeedsTeacher).ThenBy(m => m.IsCombination).ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var twice = methods.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new InvalidOperationException($"two distillation methods are called '{twice.Key}': {string.Join(", ", twice.Select(m => m.GetType().FullName))}");
        return methods;
    }
}
