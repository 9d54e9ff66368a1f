namespace SharpDistill.Data;

/// <summary>
/// Image bytes could not be decoded (corrupt, truncated, unsupported format) or the decoding library
/// is missing. Datasets wrap it in a <see cref="DatasetException"/> naming the file and sample.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string message, Exception? inner = null) : base(message, inner) { }
}
