using SharpDistill.Pickle;
namespace SharpDistill.TorchImport;

/// <summary>The two on-disk layouts written by torch.save.</summary>
public enum CheckpointFormat
{
    /// <summary>The zip archive written since PyTorch 1.6: &lt;archive&gt;/data.pkl plus one entry per storage.</summary>
    Zip,

    /// <summary>The earlier stream: magic number, protocol version, system info, the pickle, storage keys, raw storages.</summary>
    Legacy,
}

/// <summary>
/// A loaded checkpoint: the Python object graph that was saved, as C# values (see
/// <see cref="StrictUnpickler"/> for the mapping), with every storage's data in memory.
/// </summary>
public sealed class CheckpointContent
{
    internal CheckpointContent(string path, CheckpointFormat format, object? root, IReadOnlyCollection<CheckpointStorage> storages)
    {
        Path = path;
        Format = format;
        Root = root;
        Storages = storages;
    }

    public string Path { get; }

    public CheckpointFormat Format { get; }

    /// <summary>The object passed to torch.save: usually a <see cref="PickleDict"/>.</summary>
    public object? Root { get; }

    public IReadOnlyCollection<CheckpointStorage> Storages { get; }

    /// <summary>Globals outside the allow-list that were read as inert placeholders (lenient mode only; sorted).</summary>
    public IReadOnlyList<string> Placeholders { get; internal set; } = [];
}
