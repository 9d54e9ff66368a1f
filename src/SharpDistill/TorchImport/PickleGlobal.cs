using SharpDistill.Pickle;
namespace SharpDistill.TorchImport;

/// <summary>
/// A Python global that the checkpoint refers to and that is on the allow-list. It is never a
/// callable in C#: <see cref="TorchGlobals"/> interprets the few REDUCE calls torch.save emits.
/// </summary>
public sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, StorageElementType? Storage = null) : IPythonValue
{
    string IPythonValue.PythonTypeName => QualifiedName;

    public string QualifiedName => Module + "." + Name;

    public override string ToString() => QualifiedName;
}

public enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    StorageClass,
}
