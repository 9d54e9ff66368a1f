using SharpDistill.Torch.NN;
using static SharpDistill.Export.OnnxGraphBuilder;

namespace SharpDistill.Export;

/// <summary>Writes the eval-mode computation of one module type as ONNX nodes; returns the output value's name.</summary>
public delegate string LayerExport(ModuleExporter exporter, Module module, string input);

/// <summary>
/// Walks a module tree and emits ONNX nodes, dispatching on the module's type. Each supported type
/// has exactly one export function, registered in <see cref="OnnxLayerExports"/> (torch layers)
/// or <see cref="BlockExports"/> (the zoo's blocks); a type without one is an
/// <see cref="OnnxExportException"/> naming it and its path in the tree.
/// </summary>
public sealed class ModuleExporter
{
    private readonly IReadOnlyDictionary<Type, LayerExport> exports;
    private readonly Stack<string> path = new();

    public ModuleExporter(OnnxGraphBuilder builder, IReadOnlyDictionary<Type, LayerExport>? exports = null)
    {
        Builder = builder;
        this.exports = exports ?? DefaultExports;
    }

    /// <summary>Every export function the library ships: the torch layers and the zoo's blocks.</summary>
    public static IReadOnlyDictionary<Type, LayerExport> DefaultExports { get; } = BuildDefaults();

    private static Dictionary<Type, LayerExport> BuildDefaults()
    {
        var all = new Dictionary<Type, LayerExport>();
        foreach (var (type, export) in OnnxLayerExports.All) all.Add(type, export);
        foreach (var (type, export) in BlockExports.All) all.Add(type, export);
        return all;
    }

    public OnnxGraphBuilder Builder { get; }

    /// <summary>Emits <paramref name="module"/> applied to the value <paramref name="input"/>.</summary>
    public string Emit(Module module, string input)
    {
        if (!exports.TryGetValue(module.GetType(), out var export))
            throw new OnnxExportException(
                $"cannot export {module.GetType().Name} at '{CurrentPath()}' to ONNX: no exporter is registered for this module type " +
                "(see docs/deploy.md, \"Exporting your own modules\")");
        return export(this, module, input);
    }

    /// <summary>Emits the child called <paramref name="name"/> of <paramref name="parent"/> (the path is kept for error messages).</summary>
    public string EmitChild(Module parent, string name, string input)
    {
        path.Push(name);
        try { return Emit(Child<Module>(parent, name), input); }
        finally { path.Pop(); }
    }

    /// <summary>The registered child <paramref name="name"/> of <paramref name="parent"/>, of type <typeparamref name="T"/>.</summary>
    public T Child<T>(Module parent, string name) where T : Module =>
        TryChild<T>(parent, name) ?? throw new OnnxExportException(
            $"cannot export {parent.GetType().Name} at '{CurrentPath()}': it has no child '{name}' of type {typeof(T).Name}");

    /// <summary>The registered child <paramref name="name"/> of <paramref name="parent"/>, or null.</summary>
    public static T? TryChild<T>(Module parent, string name) where T : Module =>
        parent.NamedChildren().FirstOrDefault(c => c.Key == name).Value as T;

    private string CurrentPath() => path.Count == 0 ? "<root>" : string.Join(".", path.Reverse());

    // Small helpers shared by the export functions.

    public string Relu(string x) => Builder.Node("Relu", [x]);

    public string Add(string a, string b) => Builder.Node("Add", [a, b]);

    public string Concat(params string[] values) => Builder.Node("Concat", values, Attr("axis", 1L));

    /// <summary>Global average pool then flatten to [N, C]: the zoo's classifier input.</summary>
    public string GlobalPoolFlatten(string x) => Builder.Node("Flatten", [Builder.Node("GlobalAveragePool", [x])], Attr("axis", 1L));

    /// <summary>
    /// Channel shuffle of a [N, C, H, W] value as Reshape [N, g, C/g, H·W] → Transpose(0, 2, 1, 3) →
    /// Reshape back to the input's own shape (read at run time, so batch and spatial sizes stay free).
    /// </summary>
    public string ChannelShuffle(string x, long groups, long channels)
    {
        if (groups < 1 || channels % groups != 0)
            throw new OnnxExportException($"cannot export a channel shuffle of {channels} channels in {groups} groups at '{CurrentPath()}'");
        var grouped = Builder.Node("Reshape", [x, Builder.Int64s([0, groups, channels / groups, -1], "shuffle_shape")]);
        var swapped = Builder.Node("Transpose", [grouped], Attr("perm", 0L, 2L, 1L, 3L));
        return Builder.Node("Reshape", [swapped, Builder.Node("Shape", [x])]);
    }
}
