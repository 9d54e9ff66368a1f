using SharpDistill.Pickle;

namespace SharpDistill.TorchImport;

/// <summary>
/// Reads the pickle inside a PyTorch checkpoint with the project's one <see cref="PickleMachine"/>,
/// allowing only the globals of <see cref="TorchGlobals"/>; every refusal is a
/// <see cref="CheckpointFormatException"/> naming the source and the byte offset.
/// </summary>
internal static class StrictUnpickler
{
    /// <summary>The deepest tuple nesting accepted (see <see cref="PickleMachine.MaxTupleDepth"/>).</summary>
    public const int MaxTupleDepth = PickleMachine.MaxTupleDepth;

    /// <summary>The most MARKs open at once (see <see cref="PickleMachine.MaxOpenMarks"/>).</summary>
    public const int MaxOpenMarks = PickleMachine.MaxOpenMarks;

    /// <summary>
    /// Reads one pickle from the current position of <paramref name="stream"/>, stopping right after
    /// its STOP opcode. <paramref name="source"/> names it in errors; offsets are counted from
    /// <paramref name="baseOffset"/>. <paramref name="persistentLoad"/> resolves BINPERSID ids
    /// (a pickle that uses one without it is refused).
    /// </summary>
    /// <param name="vocabulary">The globals that may be named; null: <see cref="TorchGlobals"/> (strict).</param>
    public static object? Load(Stream stream, string source, Func<object?, object>? persistentLoad = null, long baseOffset = 0,
        IPickleVocabulary? vocabulary = null) =>
        PickleMachine.Load(stream, vocabulary ?? TorchGlobals.Instance,
            (offset, message) => new CheckpointFormatException($"{source}, byte {offset}: {message}"), persistentLoad, baseOffset);

    public static object? Load(byte[] pickle, string source, Func<object?, object>? persistentLoad = null, IPickleVocabulary? vocabulary = null) =>
        Load(new MemoryStream(pickle, writable: false), source, persistentLoad, 0, vocabulary);
}
