using System.CommandLine;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Torch;
using SharpDistill.Training;
using SharpDistill.Transfer;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `transfer`: the linear probe of a trained student on another dataset (docs/transfer.md). The
/// probe is an ordinary run (config.yaml, metrics, checkpoints, --resume) of the ordinary trainer.
/// </summary>
public static class TransferCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "The student to probe: a SharpDistill checkpoint (.safetensors) written by train or distill" };
        var dataset = new Option<string?>("--dataset", "-d")
        {
            Description = $"The probe dataset (dataset.name): {string.Join(", ", Enum.GetNames<DatasetName>().Select(ConfigNames.ToKey))}",
        };
        var strict = new Option<bool>("--strict")
        {
            Description = "A strict probe: batch norm stays in eval mode (transfer.batch_norm=frozen). Default: the reference's " +
                          "behaviour, batch norm in training mode so its running statistics adapt (transfer.batch_norm=train)",
        };
        var resume = new Option<bool>("--resume", "-r") { Description = "Continue the probe in its run directory from its latest checkpoint" };
        var options = new RunOptions();
        var command = new Command("transfer",
            "Linear probe: train a new linear classifier on a frozen student's pooled feature on another dataset " +
            "(CRD's protocol: SGD 0.05, 120 epochs, x0.1 at 30/60/90, images resized to 32)");
        command.Arguments.Add(checkpoint);
        command.Options.Add(dataset);
        command.Options.Add(strict);
        command.Options.Add(resume);
        options.AddTo(command);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            TorchRuntime.EnsureLoaded();
            var path = result.GetValue(checkpoint)!;
            var state = TransferRunFactory.ReadStudentState(path);
            var first = new List<string> { $"transfer.checkpoint={Quote(path)}", $"models.student={Quote(state.Student)}" };
            if (result.GetValue(dataset) is { } d) first.Add($"dataset.name={Quote(d)}");
            if (result.GetValue(strict)) first.Add("transfer.batch_norm=frozen");
            var config = RunConfig.Load((TransferRunFactory.ProtocolYaml, "the linear-probe protocol"),
                result.GetValue(options.Config) ?? [], first.Concat(result.GetValue(options.Set) ?? []));
            return Execute(config, state.Method, result.GetValue(resume), result.InvocationConfiguration.Output);
        }));
        return command;
    }

    private static int Execute(RunConfig config, string sourceMethod, bool resume, TextWriter output)
    {
        using var stop = new StopSignal();
        using var setup = TransferRunFactory.Create(config);
        using var trainer = new Trainer(setup, output.WriteLine, output);
        var inv = CultureInfo.InvariantCulture;
        var mode = Describe(config.Transfer.BatchNorm);
        output.WriteLine(string.Format(inv, "{0}: linear probe of {1} ({2} student, {3}) on {4} ({5} train / {6} test images, {7}x{7}), batch norm {8}, {9} epochs, {10}",
            setup.RunDirectory, config.Transfer.Checkpoint, config.Models.Student, sourceMethod, RunFactory.CatalogName(config.Dataset.Name),
            setup.TrainLoader.Dataset.Count, setup.TestLoader.Dataset.Count, config.Transfer.ImageSize, mode, config.Solver.Epochs, setup.Device));
        var result = trainer.Run(resume, stop);
        output.WriteLine(string.Format(inv, "{0}: probe top-1 last {1:0.00}, best {2:0.00} (epoch {3}); batch norm {4}; {5} epochs in {6:0.0} s; run in {7}",
            result.Stopped ? "stopped" : "done", result.LastTop1, result.BestTop1, result.BestEpoch, mode, result.EpochsCompleted,
            result.Elapsed.TotalSeconds, result.RunDirectory));
        return result.Stopped ? CliErrors.Interrupted : CliErrors.Ok;
    }

    private static string Describe(ProbeBatchNorm mode) => mode == ProbeBatchNorm.Train
        ? "in training mode (running statistics adapt; the reference's probe)"
        : "frozen in eval mode (strict probe)";

    /// <summary>A --set value as a YAML single-quoted string, so paths with ':' or '#' stay one string.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}
