namespace SharpDistill.Pickle;

/// <summary>
/// What one kind of file may name in its pickle: the allow-listed Python globals and what calling
/// (REDUCE) or restoring (BUILD) them means, interpreted in C#. A vocabulary only ever builds data;
/// <see cref="PickleMachine"/> refuses every global it does not resolve.
/// </summary>
internal interface IPickleVocabulary
{
    /// <summary>The allowed global <paramref name="module"/>.<paramref name="name"/> (any marker object), or null when it is not allowed.</summary>
    object? Resolve(string module, string name);

    /// <summary>The value of <paramref name="callable"/>(*<paramref name="args"/>); throws <see cref="PickleDataException"/> for a call it does not know.</summary>
    object Reduce(object? callable, PickleTuple args);

    /// <summary>Pickle's BUILD: restores <paramref name="state"/> into <paramref name="instance"/>, or throws <see cref="PickleDataException"/>.</summary>
    void Build(object? instance, object? state);

    /// <summary>
    /// Pickle's NEWOBJ: a new instance of the class <paramref name="cls"/> (cls.__new__(cls, *args)).
    /// torch.save never emits it for tensors; by default it is refused.
    /// </summary>
    object NewObject(object? cls, PickleTuple args) =>
        throw new PickleDataException($"creating an instance of {PickleFormatting.TypeName(cls)} {PickleFormatting.Describe(cls)} is not supported");

    /// <summary>Every allowed global, for the refusal message.</summary>
    string AllowedNames { get; }

    /// <summary>One sentence on what to do about a refused global.</summary>
    string RefusalAdvice { get; }
}

/// <summary>A value built by a vocabulary (a tensor, a storage, a numpy array); names its Python type in messages.</summary>
internal interface IPythonValue
{
    string PythonTypeName { get; }
}

/// <summary>
/// Raised by value handlers, where the byte offset is not known; <see cref="PickleMachine"/> turns it
/// into the reader's own typed exception naming the file, the opcode and its offset.
/// </summary>
internal sealed class PickleDataException(string message) : Exception(message);
