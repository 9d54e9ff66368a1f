using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Cli.Tests;

/// <summary>
/// export and predict on input they cannot use: one readable error naming the file, exit code 2,
/// no stack trace, and nothing written (DeployCommandsTests has the not-a-checkpoint, not-an-image
/// and foreign-ONNX cases).
/// </summary>
public class DeployBadInputTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static void AssertOneReadableError(CliResult result, string names)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(names, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
    }

    /// <summary>A checkpoint as the trainer writes it, of a network of one's own (not in the zoo).</summary>
    private string OwnArchitectureCheckpoint()
    {
        TorchRuntime.EnsureLoaded();
        using var network = new SequentialClassifier("my-own-cnn", new Sequential(new Conv2d(1, 4, 3)), 4, numClasses: 3, inChannels: 1);
        var path = temp.PathOf("own.safetensors");
        var state = new CheckpointState
        {
            Kind = "best", Epoch = 1, BestTop1 = 50, BestEpoch = 1, Seed = 0, Method = "ce", Student = network.Name, NumClasses = 3,
            InChannels = 1, Variant = network.Variant.ToString(), ConfigYaml = "", LibTorchVersion = TorchRuntime.LibTorchVersion,
            SharpDistillVersion = CheckpointFile.Version,
        };
        CheckpointFile.Save(path, state, network, [], null);
        return path;
    }

    [Fact]
    public void ExportingACheckpointOfAnUnknownArchitectureNamesTheFileAndWritesNothing()
    {
        var checkpoint = OwnArchitectureCheckpoint();
        var outputs = temp.Directory("out");
        var target = Path.Combine(outputs, "student.onnx");
        var result = CliRunner.Run("export", checkpoint, "--onnx", target);
        AssertOneReadableError(result, checkpoint);
        Assert.Contains("'my-own-cnn'", result.Error);
        Assert.Contains("OnnxExporter.Export", result.Error); // where a network of one's own is exported from
        Assert.Empty(Directory.GetFileSystemEntries(outputs));

        // The same file cut short: still one error naming it.
        var bytes = File.ReadAllBytes(checkpoint);
        var truncated = temp.Write("truncated.safetensors", bytes[..(bytes.Length / 2)]);
        AssertOneReadableError(CliRunner.Run("export", truncated, "--onnx", target), "truncated.safetensors");
        Assert.Empty(Directory.GetFileSystemEntries(outputs));
    }

    [Fact]
    public void PredictOnACorruptImageNamesTheFileAndWritesNoLogits()
    {
        var onnx = ExportedStudent.Write(temp.PathOf("student.onnx"));
        var good = ExportedStudent.Image(temp.PathOf("good.png"), 0);
        var png = File.ReadAllBytes(good);
        var corrupt = new Dictionary<string, byte[]>
        {
            ["cut.png"] = png[..(png.Length - 20)],                       // IDAT and IEND cut off
            ["flipped.png"] = png.Select((b, i) => i > 40 && i < png.Length - 12 ? (byte)(b ^ 0x5A) : b).ToArray(), // zlib data garbled
            ["header-only.jpg"] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1],
            ["empty.png"] = [],
            ["words.jpg"] = "not a picture at all"u8.ToArray(),
        };
        var outputs = temp.Directory("out");
        foreach (var (name, content) in corrupt)
        {
            var path = temp.Write(name, content);
            var result = CliRunner.Run("predict", good, path, "--model", onnx, "--logits", Path.Combine(outputs, "logits.npy"));
            AssertOneReadableError(result, name);
            Assert.Empty(Directory.GetFileSystemEntries(outputs));
        }
    }
}
