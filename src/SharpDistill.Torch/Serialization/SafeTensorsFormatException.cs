namespace SharpDistill.Torch.Serialization;

/// <summary>A safetensors file that cannot be read (truncated, malformed header, bad offsets, unsupported dtype).</summary>
public sealed class SafeTensorsFormatException : IOException
{
    public SafeTensorsFormatException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
