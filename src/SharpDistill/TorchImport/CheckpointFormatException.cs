namespace SharpDistill.TorchImport;

/// <summary>
/// A PyTorch checkpoint that cannot be read safely: a corrupt or truncated file, a missing entry or
/// storage, inconsistent tensor geometry, an unsupported pickle opcode, or a pickled reference to a
/// Python callable outside the allow-list (which would execute code in Python). The message names
/// the file and the entry, key or byte offset concerned.
/// </summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message, Exception? inner = null) : base(message, inner) { }
}

