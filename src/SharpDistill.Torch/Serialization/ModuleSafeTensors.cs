using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Serialization;

/// <summary>Saving and loading a module's state dict as a safetensors file.</summary>
public static class ModuleSafeTensors
{
    /// <summary>Writes the module's parameters and buffers (its <see cref="Module.StateDict"/>) atomically to <paramref name="path"/>.</summary>
    public static void SaveSafeTensors(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var scope = new TensorScope();
        SafeTensors.Save(path, module.StateDict(), metadata);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into the module's parameters and buffers through
    /// <see cref="Module.LoadStateDict"/>: missing, unexpected (with <paramref name="strict"/>) and
    /// mis-shaped keys are errors that name the file, and nothing changes unless the whole file fits.
    /// Returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LoadSafeTensors(this Module module, string path, bool strict = true)
    {
        using var file = SafeTensors.Load(path);
        try
        {
            module.LoadStateDict(file.Tensors, strict);
        }
        catch (StateDictMismatchException e)
        {
            throw new StateDictMismatchException($"{path}: {e.Message}", e.Missing, e.Unexpected, e.MisShaped);
        }
        return file.Metadata;
    }
}
