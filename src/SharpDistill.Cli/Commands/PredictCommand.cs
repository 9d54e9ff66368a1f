using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SharpDistill.Export;
using SharpDistill.IO;
using SharpDistill.Predict;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Cli.Commands;

/// <summary>`predict`: top-k classes of image files with a checkpoint or an exported .onnx (docs/deploy.md).</summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "PNG/JPEG files or folders of them", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model") { Description = "A SharpDistill checkpoint (.safetensors) or an ONNX file exported by `sharpdistill export`", Required = true };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "One JSON object per image instead of a table" };
        var logits = new Option<string?>("--logits") { Description = "Also write the raw logits [N, classes], one row per image in input order, to this .npy or .safetensors file (tensor \"logits\")" };
        var command = new Command("predict", "Classify images with a checkpoint or an exported ONNX model");
        command.Arguments.Add(images);
        command.Options.Add(model);
        command.Options.Add(top);
        command.Options.Add(json);
        command.Options.Add(logits);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            var k = result.GetValue(top);
            if (k < 1) throw new ArgumentException($"--top must be at least 1, got {k}");
            var logitsPath = result.GetValue(logits);
            if (logitsPath is not null && !logitsPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
                                       && !logitsPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--logits writes a .npy or .safetensors file (chosen by the extension), got '{logitsPath}'");
            var files = ImageInputs.Collect(result.GetValue(images)!);
            var modelPath = result.GetValue(model)!;
            if (!File.Exists(modelPath)) throw new FileNotFoundException($"model not found: {modelPath}", modelPath);

            ServingSpec spec;
            float[] scores;
            if (modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            {
                using var session = OnnxClassifier.Open(modelPath);
                spec = session.Spec;
                scores = session.Run(ImageInputs.LoadBatch(files, spec), files.Count);
            }
            else
            {
                TorchRuntime.EnsureLoaded();
                using var checkpoint = ServableCheckpoint.Open(modelPath);
                spec = checkpoint.Spec;
                scores = TorchLogits.Run(checkpoint, ImageInputs.LoadBatch(files, spec), files.Count);
            }
            var classes = scores.Length / files.Count;
            var output = result.InvocationConfiguration.Output;
            for (var i = 0; i < files.Count; i++)
            {
                var prediction = new Prediction(files[i], TopK.Of(scores.AsSpan(i * classes, classes), Math.Min(k, classes), spec.ClassNames));
                if (result.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(prediction, JsonOptions));
                else WriteTable(output, prediction);
            }
            if (logitsPath is not null) WriteLogits(logitsPath, scores, files.Count, classes);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static void WriteTable(TextWriter output, Prediction prediction)
    {
        output.WriteLine(prediction.File);
        foreach (var score in prediction.Top)
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,5:0.0000}  {1,4}  {2}", score.Probability, score.Index, score.Name));
    }

    // Both writers go through a temporary file renamed into place: an interrupted write never leaves a partial file.
    private static void WriteLogits(string path, float[] scores, int count, int classes)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            NpyFile.WriteFloat32(path, scores, count, classes);
            return;
        }
        TorchRuntime.EnsureLoaded();
        using var tensor = Tensor.FromArray(scores, count, classes);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["logits"] = tensor });
    }
}
