using System.Security.Cryptography;
using SharpDistill.Config;
using SharpDistill.Models;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Export;

/// <summary>A SharpDistill checkpoint opened for serving: the eval-mode network, its serving spec and provenance.</summary>
public sealed class ServableCheckpoint : IDisposable
{
    public required ZooModel Network { get; init; }
    public required ServingSpec Spec { get; init; }
    public required string Sha256 { get; init; }
    public required string ConfigYaml { get; init; }

    public void Dispose() => Network.Dispose();

    /// <summary>
    /// Opens a checkpoint written by <c>sharpdistill train</c> (a .safetensors with its run state):
    /// builds the student architecture it names, loads its weights and switches it to eval mode.
    /// </summary>
    public static ServableCheckpoint Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ||
            !Torch.Serialization.SafeTensors.ReadHeader(path).Metadata.ContainsKey(CheckpointFile.StateKey))
            throw new CheckpointException($"{path} is not a SharpDistill checkpoint (a .safetensors written by `sharpdistill train`, which records the architecture and dataset)");
        var state = CheckpointFile.ReadState(path);
        if (!ModelZoo.Contains(state.Student))
            throw new CheckpointException($"{path} names the architecture '{state.Student}', which is not in the zoo (`sharpdistill models` lists them): " +
                "a network of your own is exported from code with OnnxExporter.Export (docs/library.md)");
        var config = LoadConfig(state.ConfigYaml);
        var variant = Enum.TryParse<ModelVariant>(state.Variant, out var v) ? v
            : throw new CheckpointException($"{path} names an unknown model variant '{state.Variant}'");
        var network = ModelZoo.Create(state.Student, new ModelOptions(state.NumClasses, state.InChannels, variant));
        try
        {
            CheckpointFile.Load(path, network);
            network.Eval();
            return new ServableCheckpoint
            {
                Network = network, ConfigYaml = state.ConfigYaml, Sha256 = Sha256Of(path),
                Spec = ServingSpec.FromConfig(config, state.Student, state.NumClasses, state.InChannels),
            };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Exports this checkpoint's network to <paramref name="onnxPath"/> with its serving metadata.</summary>
    public void ExportOnnx(string onnxPath, bool withFeatures)
    {
        var provenance = new Dictionary<string, string>
        {
            ["sharpdistill.source_sha256"] = Sha256,
            ["sharpdistill.config"] = ConfigYaml,
        };
        OnnxExporter.Export(Network, Spec, onnxPath, withFeatures, provenance);
    }

    private static RunConfig LoadConfig(string yaml)
    {
        var temporary = Path.GetTempFileName();
        try
        {
            File.WriteAllText(temporary, yaml);
            return RunConfig.Load([temporary], []);
        }
        finally { File.Delete(temporary); }
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
