using SharpDistill.TorchImport;
using SharpDistill.Torch.Serialization;
using Module = SharpDistill.Torch.NN.Module;

namespace SharpDistill.Training.Checkpoints;

/// <summary>
/// Loads a model's weights from whatever file a user has: a SharpDistill checkpoint (its student
/// weights), a plain safetensors state dict (e.g. from `sharpdistill import`), or a PyTorch file
/// written by torch.save (.pth/.pt/.tar: the mdistiller/CRD teachers, torchvision weights). Every
/// path is strict: each key and shape must fit the model.
/// </summary>
public static class WeightsLoader
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>; returns a one-line description of what was loaded.</summary>
    public static string Load(Module model, string path, ImportOptions? pytorchOptions = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file not found: {path}", path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".safetensors":
                var header = SafeTensors.ReadHeader(path);
                if (header.Metadata.ContainsKey(CheckpointFile.StateKey))
                {
                    var state = CheckpointFile.Load(path, model);
                    return $"{path}: SharpDistill '{state.Kind}' checkpoint of {state.Student} after epoch {state.Epoch} (test top-1 {state.LastTop1:0.00})";
                }
                model.LoadSafeTensors(path);
                return $"{path}: safetensors state dict";
            case ".pth" or ".pt" or ".tar" or ".bin" or ".ckpt":
                var report = TorchCheckpoint.ImportInto(model, path, pytorchOptions);
                return report.ToString();
            default:
                throw new CheckpointException(
                    $"{path}: unknown weights format '{extension}'; expected a .safetensors file (SharpDistill checkpoint or state dict) or a PyTorch .pth/.pt file");
        }
    }
}
