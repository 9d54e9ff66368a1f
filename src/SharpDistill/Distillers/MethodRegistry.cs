using System.Reflection;
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
    private static readonly object Gate = new();
    private static readonly HashSet<Assembly> Scanned = new();
    private static List<IMethodDescriptor> methods = new();

    static MethodRegistry()
    {
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Scan(e.LoadedAssembly);
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) Scan(assembly);
    }

    /// <summary>Every method: the teacher-free one first, then by name.</summary>
    public static IReadOnlyList<IMethodDescriptor> All
    {
        get
        {
            lock (Gate) return methods;
        }
    }

    public static IReadOnlyList<string> Names => All.Select(m => m.Name).ToArray();

    /// <summary>The methods that distil from a teacher (what `distill` and `study` accept).</summary>
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

    private static void Scan(Assembly assembly)
    {
        var self = typeof(MethodRegistry).Assembly;
        if (assembly != self && (assembly.IsDynamic || !assembly.GetReferencedAssemblies().Any(r => r.Name == self.GetName().Name))) return;
        lock (Gate)
        {
            if (!Scanned.Add(assembly)) return;
            var found = Types(assembly)
                .Where(t => typeof(IMethodDescriptor).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }
                            && t.GetConstructor(Type.EmptyTypes) != null)
                .Select(t => (IMethodDescriptor)Activator.CreateInstance(t)!);
            var merged = methods.ToList();
            foreach (var method in found)
            {
                if (merged.Any(m => m.Name == method.Name))
                    throw new InvalidOperationException($"two distillation methods are called '{method.Name}' ({method.GetType().FullName})");
                merged.Add(method);
            }
            // A new list each time: readers hold on to the one they got.
            methods = merged.OrderBy(m => m.NeedsTeacher).ThenBy(m => m.Name, StringComparer.Ordinal).ToList();
        }
    }

    private static IEnumerable<Type> Types(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
