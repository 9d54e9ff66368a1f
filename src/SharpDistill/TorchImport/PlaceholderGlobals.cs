using SharpDistill.Pickle;

namespace SharpDistill.TorchImport;

/// <summary>
/// A global outside the allow-list, read in the opt-in lenient mode (<see cref="ImportOptions.AllowUnknownGlobals"/>):
/// only its name is kept. Nothing is imported and nothing is called.
/// </summary>
public sealed record UnknownGlobal(string Module, string Name) : IPythonValue
{
    string IPythonValue.PythonTypeName => QualifiedName;

    public string QualifiedName => Module + "." + Name;

    public override string ToString() => QualifiedName;
}

/// <summary>
/// What the pickle built from an <see cref="UnknownGlobal"/> (an instance, or the result of calling
/// it): an inert stand-in that records only which global it came from. Its arguments and state are
/// dropped, so no value of a placeholder can reach the weights.
/// </summary>
public sealed record Placeholder(UnknownGlobal Source) : IPythonValue
{
    string IPythonValue.PythonTypeName => $"placeholder for {Source.QualifiedName}";

    public override string ToString() => $"<{Source.QualifiedName} placeholder>";
}

/// <summary>
/// The lenient vocabulary: <see cref="TorchGlobals"/> for everything it allows; any other global
/// becomes an <see cref="UnknownGlobal"/>, and calling it, instantiating it or restoring state into
/// what it made gives a <see cref="Placeholder"/>. Collects the names it stood in for, for the
/// import report. One instance per file read.
/// </summary>
internal sealed class PlaceholderGlobals : IPickleVocabulary
{
    private readonly SortedSet<string> names = new(StringComparer.Ordinal);

    /// <summary>Every global that was replaced by a placeholder, sorted.</summary>
    public IReadOnlyList<string> Names => names.ToArray();

    public string AllowedNames => TorchGlobals.AllowedNames + " (and, in this lenient mode, any other as an inert placeholder)";

    public string RefusalAdvice => TorchGlobals.Instance.RefusalAdvice;

    public object? Resolve(string module, string name)
    {
        if (TorchGlobals.Resolve(module, name) is { } allowed) return allowed;
        names.Add(module + "." + name);
        return new UnknownGlobal(module, name);
    }

    public object Reduce(object? callable, PickleTuple args) => callable switch
    {
        UnknownGlobal unknown => new Placeholder(unknown),
        Placeholder placeholder => placeholder,
        _ => ((IPickleVocabulary)TorchGlobals.Instance).Reduce(callable, args),
    };

    public object NewObject(object? cls, PickleTuple args) => cls switch
    {
        UnknownGlobal unknown => new Placeholder(unknown),
        Placeholder placeholder => placeholder,
        _ => throw new PickleDataException($"creating an instance of {PickleFormatting.TypeName(cls)} {PickleFormatting.Describe(cls)} is not supported"),
    };

    public void Build(object? instance, object? state)
    {
        if (instance is Placeholder or UnknownGlobal) return; // the state is dropped: a placeholder holds nothing
        TorchGlobals.Build(instance, state);
    }
}
