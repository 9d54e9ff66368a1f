using SharpDistill.Pickle;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.TorchImport;

/// <summary>
/// Reads checkpoints written by PyTorch's torch.save — the zip format (PyTorch ≥ 1.6) and the
/// legacy stream format — without Python and without ever running code from the file (see
/// <see cref="StrictUnpickler"/>), and loads their weights into SharpDistill modules.
/// </summary>
public static class TorchCheckpoint
{
    /// <summary>The object graph saved in <paramref name="path"/>, with every storage read into memory.</summary>
    /// <param name="allowUnknownGlobals">
    /// False (the default): a global outside the allow-list refuses the file. True: it is read as an
    /// inert placeholder (never imported, never called) and named in <see cref="CheckpointContent.Placeholders"/>.
    /// </param>
    /// <exception cref="CheckpointFormatException">The file is not a readable, safe torch.save checkpoint.</exception>
    public static CheckpointContent Load(string path, bool allowUnknownGlobals = false)
    {
        var lenient = allowUnknownGlobals ? new PlaceholderGlobals() : null;
        var content = Read(path, lenient);
        content.Placeholders = lenient?.Names ?? [];
        return content;
    }

    private static CheckpointContent Read(string path, IPickleVocabulary? vocabulary)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> head = stackalloc byte[4];
        var count = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (count == 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5) return ZipCheckpointReader.Read(path, file, vocabulary);
        if (count > 0 && head[0] == (byte)PickleOpcode.PROTO) return LegacyCheckpointReader.Read(path, file, vocabulary);
        throw new CheckpointFormatException(count == 0
            ? $"'{path}' is empty"
            : $"'{path}' is neither a zip checkpoint nor a legacy torch.save stream (it starts with bytes {Convert.ToHexString(head[..count])})");
    }

    /// <summary>
    /// The state dict of <paramref name="path"/> as SharpDistill tensors (contiguous CPU copies, owned
    /// by the current <see cref="TensorScope"/> or by the caller), keys after prefix stripping and
    /// mapping. The state dict is located as described in <see cref="ImportOptions.StateDictKey"/>.
    /// </summary>
    public static Dictionary<string, Tensor> LoadStateDict(string path, ImportOptions? options = null)
    {
        options ??= ImportOptions.Default;
        var checkpoint = Load(path, options.AllowUnknownGlobals);
        var (_, found) = StateDictLocator.Find(checkpoint, options.StateDictKey);
        var result = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, tensor) in StateDictKeys.Normalize(path, found, options).Entries)
                result[name] = StateDictImporter.Materialize(path, name, tensor);
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Copies the weights of <paramref name="path"/> into <paramref name="module"/>. Nothing is
    /// changed unless the whole state dict fits.
    /// </summary>
    /// <exception cref="StateDictMismatchException">Missing, unexpected (when strict) or mis-shaped keys, all listed.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a readable, safe torch.save checkpoint, or holds no state dict.</exception>
    public static ImportReport ImportInto(Module module, string path, ImportOptions? options = null)
    {
        options ??= ImportOptions.Default;
        var checkpoint = Load(path, options.AllowUnknownGlobals);
        return StateDictImporter.Import(module, checkpoint, options) with { Placeholders = checkpoint.Placeholders };
    }
}
