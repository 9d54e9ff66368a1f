namespace SharpDistill.Data;

/// <summary>
/// A pickle that the strict reader refuses or cannot parse. The message names the opcode and its byte
/// offset in the file.
/// </summary>
public sealed class PickleException : DatasetException
{
    public PickleException(string message, string? filePath, long offset)
        : base($"pickle byte offset {offset}: {message}", filePath)
    {
        Offset = offset;
    }

    /// <summary>Byte offset of the opcode at fault.</summary>
    public long Offset { get; }
}
