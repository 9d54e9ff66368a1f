using SharpDistill.Pickle;

namespace SharpDistill.TorchImport;

/// <summary>
/// The allow-list of Python globals a checkpoint may name, and what the REDUCE and BUILD opcodes
/// mean for them. Everything here only builds data: no name in a checkpoint can make this reader
/// run code, which is the point of refusing every other global.
/// </summary>
internal sealed class TorchGlobals : IPickleVocabulary
{
    public static readonly TorchGlobals Instance = new();

    private TorchGlobals() { }

    string IPickleVocabulary.AllowedNames => AllowedNames;

    public string RefusalAdvice =>
        "If the checkpoint pickles a whole model or other objects, re-save just the weights (model.state_dict()) in PyTorch, " +
        "or read the tensors anyway with the unknown globals as inert placeholders (sharpdistill import --allow-unknown-globals; ImportOptions.AllowUnknownGlobals)";

    object? IPickleVocabulary.Resolve(string module, string name) => Resolve(module, name);

    object IPickleVocabulary.Reduce(object? callable, PickleTuple args) =>
        Reduce(callable as PickleGlobal ?? throw new PickleDataException("only an allowed global can be called"), args);

    void IPickleVocabulary.Build(object? instance, object? state) => Build(instance, state);

    /// <summary>Every allowed global, for error messages.</summary>
    public static readonly string AllowedNames =
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, " +
        "torch.{Float,Double,Half,BFloat16,Long,Int,Short,Char,Byte,Bool}Storage";

    /// <summary>The allowed global <paramref name="module"/>.<paramref name="name"/>, or null when it is not allowed.</summary>
    public static PickleGlobal? Resolve(string module, string name)
    {
        switch (module, name)
        {
            case ("collections", "OrderedDict"): return new(module, name, PickleGlobalKind.OrderedDict);
            case ("torch._utils", "_rebuild_tensor_v2"): return new(module, name, PickleGlobalKind.RebuildTensorV2);
            case ("torch._utils", "_rebuild_parameter"): return new(module, name, PickleGlobalKind.RebuildParameter);
            case ("torch", _) when StorageElementType.FromStorageClass(name) is { } type:
                return new(module, name, PickleGlobalKind.StorageClass, type);
            default: return null;
        }
    }

    /// <summary>The value of the call <paramref name="callable"/>(*<paramref name="args"/>) as PyTorch would build it.</summary>
    public static object Reduce(PickleGlobal callable, PickleTuple args) => callable.Kind switch
    {
        PickleGlobalKind.OrderedDict => args.Count == 0
            ? new PickleDict(isOrderedDict: true)
            : throw new PickleDataException($"collections.OrderedDict called with {args.Count} arguments; torch.save passes none"),
        PickleGlobalKind.RebuildTensorV2 => RebuildTensor(args),
        PickleGlobalKind.RebuildParameter => RebuildParameter(args),
        _ => throw new PickleDataException($"{callable.QualifiedName} cannot be called: it may only name the type of a storage"),
    };

    /// <summary>Applies pickle's BUILD: only an OrderedDict's instance attributes (a state dict's <c>_metadata</c>).</summary>
    public static void Build(object? instance, object? state)
    {
        if (instance is not PickleDict { IsOrderedDict: true } dict)
            throw new PickleDataException($"cannot restore state into a {PickleFormatting.TypeName(instance)}; only an OrderedDict's attributes are supported");
        if (state is not PickleDict attributes)
            throw new PickleDataException($"an OrderedDict's state must be a dict of attributes, got a {PickleFormatting.TypeName(state)}");
        foreach (var (name, value) in attributes)
            dict.SetAttribute(name as string ?? throw new PickleDataException($"attribute name {PickleFormatting.Describe(name)} is not a string"), value);
    }

    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    private static CheckpointTensor RebuildTensor(PickleTuple args)
    {
        const string Function = "torch._utils._rebuild_tensor_v2";
        if (args.Count is not (6 or 7))
            throw new PickleDataException($"{Function} expects 6 or 7 arguments, got {args.Count}");
        var storage = Argument<CheckpointStorage>(args, 0, Function, "storage");
        var offset = Integer(args[1], Function, "storage_offset");
        var shape = Integers(args[2], Function, "size");
        var strides = Integers(args[3], Function, "stride");
        var requiresGrad = Argument<bool>(args, 4, Function, "requires_grad");
        Argument<PickleDict>(args, 5, Function, "backward_hooks");
        // Optional metadata (e.g. conjugate/negative bits of complex tensors); real tensors carry none that changes values.
        if (args.Count == 7) Argument<PickleDict>(args, 6, Function, "metadata");
        return CheckpointTensor.Create(storage, offset, shape, strides, requiresGrad);
    }

    // _rebuild_parameter(data, requires_grad, backward_hooks)
    private static CheckpointTensor RebuildParameter(PickleTuple args)
    {
        const string Function = "torch._utils._rebuild_parameter";
        if (args.Count != 3) throw new PickleDataException($"{Function} expects 3 arguments, got {args.Count}");
        var data = Argument<CheckpointTensor>(args, 0, Function, "data");
        var requiresGrad = Argument<bool>(args, 1, Function, "requires_grad");
        Argument<PickleDict>(args, 2, Function, "backward_hooks");
        return data.AsParameter(requiresGrad);
    }

    private static T Argument<T>(PickleTuple args, int index, string function, string name) =>
        args[index] is T value
            ? value
            : throw new PickleDataException($"{function}: argument '{name}' must be a {typeof(T).Name}, got {PickleFormatting.TypeName(args[index])} {PickleFormatting.Describe(args[index])}");

    private static long Integer(object? value, string function, string name) =>
        value is long l ? l : throw new PickleDataException($"{function}: '{name}' must be an int, got {PickleFormatting.TypeName(value)} {PickleFormatting.Describe(value)}");

    private static long[] Integers(object? value, string function, string name) =>
        value is PickleTuple tuple
            ? tuple.Select(v => Integer(v, function, name)).ToArray()
            : throw new PickleDataException($"{function}: '{name}' must be a tuple of ints, got {PickleFormatting.TypeName(value)} {PickleFormatting.Describe(value)}");
}
