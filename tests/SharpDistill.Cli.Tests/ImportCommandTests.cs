using System.Text.Json;
using SharpDistill.TorchImport;
using SharpDistill.Cli.Commands;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Cli.Tests;

/// <summary>
/// `import` on resnet8_cifar10.pth: a 10-class zoo resnet8 written by PyTorch (make_checkpoints.py in
/// the library's checkpoint test data) as a training script saves a teacher: DataParallel weights
/// ("module." prefixes) under "model", with the logits PyTorch computed for a fixed input.
/// </summary>
public class ImportCommandTests
{
    private static readonly string Resnet8Pth = TestPaths.CheckpointData("resnet8_cifar10.pth");

    private static JsonElement Expected { get; } =
        JsonDocument.Parse(File.ReadAllText(TestPaths.CheckpointData("expected.json"))).RootElement.GetProperty("resnet8_cifar10");

    /// <summary>The input of make_checkpoints.py's zoo_input(): ((k² + 37k) mod 101 − 50) / 32, exact in float32.</summary>
    private static Tensor ZooInput()
    {
        var values = new float[2 * 3 * 32 * 32];
        for (long k = 0; k < values.Length; k++) values[k] = ((k * k + 37 * k) % 101 - 50) / 32f;
        return Tensor.FromArray(values, 2, 3, 32, 32);
    }

    private static ZooModel Resnet8() => ModelZoo.Create("resnet8", new ModelOptions(NumClasses: 10));

    private static float[] Logits(ZooModel model)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        model.Eval();
        return model.ForwardLogits(ZooInput()).ToArray<float>();
    }

    [Fact]
    public void RoundTripGivesPyTorchsLogits()
    {
        using var temp = new TempDirectory();
        var target = temp.PathOf("out/teacher.safetensors");
        var result = CliRunner.Run("import", Resnet8Pth, "--model", "resnet8", "--num-classes", "10", "--out", target);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Assert.Contains($"imported {Expected.GetProperty("keys").GetInt32()} tensors from '{Resnet8Pth}'", result.Output);
        Assert.Contains("state dict at ['model']", result.Output);
        Assert.Contains("stripped prefix 'module.'", result.Output);
        Assert.Contains($"wrote {target}: 56 tensors of resnet8 (10 classes, 3 input channels, standard variant, 78,042 parameters)", result.Output);

        var metadata = SafeTensors.ReadHeader(target).Metadata;
        Assert.Equal("resnet8_cifar10.pth", metadata[ImportCommand.MetadataKeys.Source]);
        Assert.Equal(64, metadata[ImportCommand.MetadataKeys.SourceSha256].Length);
        Assert.Equal("['model']", metadata[ImportCommand.MetadataKeys.StateDict]);
        Assert.Equal("resnet8", metadata[ImportCommand.MetadataKeys.Model]);
        Assert.Equal("10", metadata[ImportCommand.MetadataKeys.NumClasses]);
        Assert.Equal("3", metadata[ImportCommand.MetadataKeys.InChannels]);
        Assert.Equal("standard", metadata[ImportCommand.MetadataKeys.Variant]);

        using var imported = Resnet8();
        Assert.Equal($"{target}: safetensors state dict", WeightsLoader.Load(imported, target));
        using var direct = Resnet8();
        TorchCheckpoint.ImportInto(direct, Resnet8Pth);

        var fromSafetensors = Logits(imported);
        var fromPth = Logits(direct);
        var fromPyTorch = Expected.GetProperty("logits").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(fromPyTorch.Length, fromSafetensors.Length);
        for (var i = 0; i < fromPyTorch.Length; i++)
            Assert.True(Math.Abs(fromSafetensors[i] - fromPyTorch[i]) <= 1e-5, $"logit {i}: {fromSafetensors[i]} vs PyTorch's {fromPyTorch[i]}");
        Assert.Equal(fromPth, fromSafetensors); // bit for bit: the same weights, the same kernels

        // Every tensor of the state dict, bit for bit, including the BatchNorm buffers.
        using var scope = new TensorScope();
        var a = imported.StateDict();
        var b = direct.StateDict();
        Assert.Equal(b.Keys.Order(), a.Keys.Order());
        foreach (var (key, tensor) in a)
            Assert.True(tensor.DType == DType.Int64
                ? tensor.ToArray<long>().SequenceEqual(b[key].ToArray<long>())
                : tensor.ToArray<float>().SequenceEqual(b[key].ToArray<float>()), key);
    }

    [Fact]
    public void StateDictKeyCanBeNamed()
    {
        using var temp = new TempDirectory();
        var target = temp.PathOf("teacher.safetensors");
        var named = CliRunner.Run("import", Resnet8Pth, "--model", "cifar/resnet8", "--num-classes", "10", "--key", "model", "--out", target);
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.True(File.Exists(target));

        var wrong = CliRunner.Run("import", Resnet8Pth, "--model", "resnet8", "--num-classes", "10", "--key", "state_dict", "--out", temp.PathOf("other.safetensors"));
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("has no key 'state_dict'", wrong.Error);
        Assert.Contains("'model'", wrong.Error);
        Assert.False(File.Exists(temp.PathOf("other.safetensors")));
    }

    [Fact]
    public void UnknownModelListsTheValidNames()
    {
        using var temp = new TempDirectory();
        var target = temp.PathOf("teacher.safetensors");
        var result = CliRunner.Run("import", Resnet8Pth, "--model", "resnet9", "--out", target);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: unknown Cifar model 'resnet9'.", result.Error);
        foreach (var name in ModelZoo.Names) Assert.Contains(name, result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void WrongNumberOfClassesReportsTheMisShapedKeys()
    {
        using var temp = new TempDirectory();
        var target = temp.PathOf("teacher.safetensors");
        var result = CliRunner.Run("import", Resnet8Pth, "--model", "resnet8", "--out", target); // 100 classes by default
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("fc.weight: expected [100, 64], got [10, 64]", result.Error);
        Assert.Contains("fc.bias: expected [100], got [10]", result.Error);
        Assert.Contains("hint: the weights were made for another architecture or number of classes", result.Error);
        Assert.False(File.Exists(target));

        var otherModel = CliRunner.Run("import", Resnet8Pth, "--model", "resnet14", "--num-classes", "10", "--out", target);
        Assert.True(otherModel.ExitCode == 2, otherModel.ToString());
        Assert.Contains("layer1.1.conv1.weight", otherModel.Error); // resnet14 has two blocks per stage
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void TruncatedCheckpointIsOneReadableError()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(Resnet8Pth);
        var truncated = temp.PathOf("truncated.pth");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var target = temp.PathOf("teacher.safetensors");
        var result = CliRunner.Run("import", truncated, "--model", "resnet8", "--num-classes", "10", "--out", target);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"error: '{truncated}' is not a readable zip checkpoint (truncated or corrupt)", result.Error);
        Assert.Contains("hint: ", result.Error);
        Assert.Equal(2, result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void ForbiddenPickleGlobalIsRefused()
    {
        using var temp = new TempDirectory();
        var target = temp.PathOf("teacher.safetensors");
        var result = CliRunner.Run("import", TestPaths.CheckpointData("malicious.pth"), "--model", "resnet8", "--out", target);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("refusing the global 'posix.system'", result.Error);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("--out must end in .safetensors", "--model", "resnet8", "--num-classes", "10", "--out", "teacher.pt")]
    [InlineData("--out", "--model", "resnet8")]
    [InlineData("--model", "--out", "teacher.safetensors")]
    public void BadArgumentsExitWithTwo(string message, params string[] options)
    {
        var result = CliRunner.Run(options.Prepend(Resnet8Pth).Prepend("import").ToArray());
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void MissingCheckpointExitsWithTwo()
    {
        using var temp = new TempDirectory();
        var result = CliRunner.Run("import", temp.PathOf("absent.pth"), "--model", "resnet8", "--out", temp.PathOf("teacher.safetensors"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"file not found: {temp.PathOf("absent.pth")}", result.Error);
    }

    [Fact]
    public void ATrainingScriptsCheckpointImportsOnlyWithAllowUnknownGlobals()
    {
        // resnet8_cifar10.pth's weights beside an argparse.Namespace and a numpy scalar (make_checkpoints.py).
        using var temp = new TempDirectory();
        var source = TestPaths.CheckpointData("resnet8_script.pth");
        var target = temp.PathOf("teacher.safetensors");
        var strict = CliRunner.Run("import", source, "--model", "resnet8", "--num-classes", "10", "--out", target);
        Assert.True(strict.ExitCode == 2, strict.ToString());
        Assert.Contains("resnet8_script.pth", strict.Error);
        Assert.Contains("'argparse.Namespace'", strict.Error);
        Assert.Contains("--allow-unknown-globals", strict.Error);
        Assert.False(File.Exists(target));

        var lenient = CliRunner.Run("import", source, "--model", "resnet8", "--num-classes", "10", "--out", target, "--allow-unknown-globals");
        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.Contains("read as inert placeholders, never imported or called (4): _codecs.encode, argparse.Namespace, numpy.core.multiarray.scalar, numpy.dtype",
            lenient.Output);
        using var imported = Resnet8();
        WeightsLoader.Load(imported, target);
        var logits = Logits(imported);
        var fromPyTorch = Expected.GetProperty("logits").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var i = 0; i < fromPyTorch.Length; i++)
            Assert.True(Math.Abs(logits[i] - fromPyTorch[i]) <= 1e-5, $"logit {i}: {logits[i]} vs PyTorch's {fromPyTorch[i]}");
    }
}
