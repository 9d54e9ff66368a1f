using System.Text.Json;
using SharpDistill.Data;
using SharpDistill.Export;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Cli.Tests;

/// <summary>export and predict end to end on a tiny Fashion-MNIST run, and their errors.</summary>
public class DeployCommandsTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("sddeploy").FullName;

    public void Dispose()
    {
        try { Directory.Delete(output, true); } catch (IOException) { }
    }

    private string TrainTinyStudent()
    {
        var train = CliRunner.Run("train", "--set", $"experiment.output_dir={output}", "--set", "experiment.name=student",
            "--set", "dataset.train_limit=256", "--set", "dataset.test_limit=64", "--set", "solver.epochs=1", "--set", "log.progress=false",
            "--set", "models.student=resnet8", "--set", "dataset.num_workers=1");
        Assert.True(train.ExitCode == 0, train.ToString());
        return Path.Combine(output, "student", "checkpoints", "best.safetensors");
    }

    [FashionMnistFact]
    public void ExportThenPredictAgreesWithTheCheckpointAndTheEvalForwardPass()
    {
        var checkpoint = TrainTinyStudent();
        var onnx = Path.Combine(output, "student.onnx");
        var export = CliRunner.Run("export", checkpoint, "--onnx", onnx, "--with-features");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("input [batch, 1, 28, 28], 10 classes, with features", export.Output);

        // The first Fashion-MNIST test image as a PNG file.
        var test = DatasetCatalog.Open("fashion-mnist", train: false);
        var (image, _) = test.Get(0);
        var png = Path.Combine(output, "image0.png");
        PngWriter.WriteGray(png, image.Width, image.Height, image.Pixels);

        var logits = Path.Combine(output, "logits.safetensors");
        var fromCheckpoint = CliRunner.Run("predict", png, "--model", checkpoint, "--json", "--top", "3", "--logits", logits);
        var fromOnnx = CliRunner.Run("predict", png, "--model", onnx, "--json", "--top", "3");
        Assert.True(fromCheckpoint.ExitCode == 0, fromCheckpoint.ToString());
        Assert.True(fromOnnx.ExitCode == 0, fromOnnx.ToString());
        var a = JsonDocument.Parse(fromCheckpoint.Output).RootElement.GetProperty("top");
        var b = JsonDocument.Parse(fromOnnx.Output).RootElement.GetProperty("top");
        Assert.Equal(3, a.GetArrayLength());
        Assert.Equal(a[0].GetProperty("index").GetInt32(), b[0].GetProperty("index").GetInt32());
        Assert.Equal(a[0].GetProperty("probability").GetDouble(), b[0].GetProperty("probability").GetDouble(), 4);
        // The class names travel in the ONNX metadata.
        Assert.Equal(MnistDatasetsNames()[b[0].GetProperty("index").GetInt32()], b[0].GetProperty("name").GetString());

        // What `eval` computes on that sample: the eval-mode network on the normalised dataset image.
        TorchRuntime.EnsureLoaded();
        using var servable = ServableCheckpoint.Open(checkpoint);
        var normalized = Normalize.FashionMnist.Apply(ToTensor.Apply(image));
        var evalLogits = SharpDistill.Predict.TorchLogits.Run(servable, normalized.Data, 1);
        var evalTop1 = Array.IndexOf(evalLogits, evalLogits.Max());
        Assert.Equal(evalTop1, a[0].GetProperty("index").GetInt32());

        using var written = SafeTensors.Load(logits);
        Assert.Equal(new long[] { 1, 10 }, written.Tensors["logits"].Shape);
        Assert.Equal(evalLogits, written.Tensors["logits"].ToArray<float>());
    }

    private static IReadOnlyList<string> MnistDatasetsNames() => DatasetCatalog.Open("fashion-mnist", train: false).ClassNames;

    [FashionMnistFact]
    public void BadInputIsOneReadableErrorNamingTheFile()
    {
        var checkpoint = TrainTinyStudent();
        var notImage = Path.Combine(output, "notes.png");
        File.WriteAllText(notImage, "hello");
        var bad = CliRunner.Run("predict", notImage, "--model", checkpoint);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("notes.png", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);

        var missing = CliRunner.Run("predict", Path.Combine(output, "nope.png"), "--model", checkpoint);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nope.png", missing.Error);

        var foreign = Path.Combine(output, "foreign.onnx");
        File.WriteAllBytes(foreign, [1, 2, 3, 4, 5]);
        var png = Path.Combine(output, "x.png");
        PngWriter.WriteGray(png, 5, 7, new byte[35]);
        var notOurs = CliRunner.Run("predict", png, "--model", foreign);
        Assert.Equal(2, notOurs.ExitCode);
        Assert.Contains("foreign.onnx", notOurs.Error);

        // A valid ONNX file without SharpDistill's serving metadata.
        TorchRuntime.EnsureLoaded();
        var plain = Path.Combine(output, "plain.onnx");
        using (var net = new SharpDistill.Torch.NN.Sequential(new SharpDistill.Torch.NN.Flatten()))
        {
            net.Eval();
            OnnxExporter.Write(OnnxExporter.Build(net, new OnnxExportOptions { InputSize = (7, 5), InChannels = 1 }), plain);
        }
        var noMetadata = CliRunner.Run("predict", png, "--model", plain);
        Assert.Equal(2, noMetadata.ExitCode);
        Assert.Contains("plain.onnx is not an ONNX file exported by SharpDistill", noMetadata.Error);

        // A folder in table form: one header line per image, k class lines under it.
        var table = CliRunner.Run("predict", output, "--model", checkpoint, "--top", "2");
        Assert.Equal(2, table.ExitCode); // notes.png in the folder is not an image
        File.Delete(notImage);
        table = CliRunner.Run("predict", output, "--model", checkpoint, "--top", "2");
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("x.png", lines[0]);

        var target = Path.Combine(output, "out.onnx");
        var notCheckpoint = CliRunner.Run("export", png, "--onnx", target);
        Assert.Equal(2, notCheckpoint.ExitCode);
        Assert.Contains("x.png is not a SharpDistill checkpoint", notCheckpoint.Error);
        Assert.Empty(Directory.GetFiles(output, "out.onnx*"));
    }
}
