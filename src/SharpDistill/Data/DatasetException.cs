namespace SharpDistill.Data;

/// <summary>
/// A dataset could not be read: a missing, truncated or corrupt file, a label outside the class
/// range, an image of the wrong size. The message names the file and, where it applies, the record.
/// </summary>
public class DatasetException : Exception
{
    public DatasetException(string message, string? filePath = null, long? recordIndex = null, Exception? inner = null)
        : base(Compose(message, filePath, recordIndex), inner)
    {
        FilePath = filePath;
        RecordIndex = recordIndex;
    }

    /// <summary>The file at fault, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The zero-based record (sample) at fault, when the problem is in one record.</summary>
    public long? RecordIndex { get; }

    private static string Compose(string message, string? filePath, long? recordIndex)
    {
        var where = (filePath, recordIndex) switch
        {
            (not null, not null) => $"{filePath}, record {recordIndex}: ",
            (not null, null) => $"{filePath}: ",
            (null, not null) => $"record {recordIndex}: ",
            _ => "",
        };
        return where + message;
    }
}

/// <summary>
/// A dataset's files are not where they were looked for. SharpDistill never downloads data: the
/// message says exactly which files to put where.
/// </summary>
public sealed class DatasetNotFoundException : DatasetException
{
    public DatasetNotFoundException(string message) : base(message) { }
}
