using System.CommandLine;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Cli.Commands;

/// <summary>`eval`: top-1/top-5 of a checkpoint on a dataset's test split.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "A SharpDistill checkpoint (.safetensors), a safetensors state dict or a PyTorch .pth" };
        var model = new Option<string?>("--model") { Description = "Zoo model name (read from the checkpoint when it is a SharpDistill checkpoint)" };
        var options = new RunOptions();
        var command = new Command("eval", "Evaluate a checkpoint on the test split of a dataset (top-1, top-5, loss)");
        command.Arguments.Add(checkpoint);
        command.Options.Add(model);
        options.AddTo(command);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            TorchRuntime.EnsureLoaded();
            var path = result.GetValue(checkpoint)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
            // A SharpDistill checkpoint carries its run's config: start from it, then apply the user's overrides.
            (string Text, string Source)? checkpointConfig = null;
            string? modelName = result.GetValue(model);
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) &&
                Torch.Serialization.SafeTensors.ReadHeader(path).Metadata.ContainsKey(CheckpointFile.StateKey))
            {
                var state = CheckpointFile.ReadState(path);
                checkpointConfig = (state.ConfigYaml, $"the config inside {path}");
                modelName ??= state.Student;
            }
            var config = RunConfig.Load(checkpointConfig, result.GetValue(options.Config) ?? Array.Empty<string>(),
                result.GetValue(options.Set) ?? Array.Empty<string>());
            if (string.IsNullOrEmpty(modelName)) throw new ArgumentException("--model is required for a weights file that is not a SharpDistill checkpoint");
            var device = RunFactory.ParseDevice(config.Experiment.Device);
            var test = RunFactory.OpenSplit(config, train: false);
            using var network = ModelZoo.Create(modelName, new ModelOptions(test.NumClasses, test.Geometry.Channels, RunFactory.VariantFor(config.Dataset.Name)));
            var source = WeightsLoader.Load(network, path);
            network.To(device);
            var loader = RunFactory.TestLoader(config, test);
            var evaluation = Evaluator.Evaluate(network, loader, device);
            result.InvocationConfiguration.Output.WriteLine(source);
            result.InvocationConfiguration.Output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} on {1} ({2} images): top-1 {3:0.00}  top-5 {4:0.00}  loss {5:0.0000}",
                modelName, test.Name, evaluation.Samples, evaluation.Top1, evaluation.Top5, evaluation.Loss));
            return CliErrors.Ok;
        }));
        return command;
    }
}
