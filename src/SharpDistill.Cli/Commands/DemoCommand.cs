using System.CommandLine;
using System.Globalization;
using SharpDistill.Torch;
using SharpDistill.Torch.Demo;

namespace SharpDistill.Cli.Commands;

/// <summary>`demo`: trains a small CNN on a synthetic, seeded, separable problem, proving the engine end to end.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var epochsOption = new Option<int>("--epochs")
        {
            Description = "Number of training epochs",
            DefaultValueFactory = _ => new SyntheticTrainingOptions().Epochs,
        };
        epochsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--epochs must be at least 1");
        });
        var seedOption = new Option<ulong>("--seed")
        {
            Description = "Random seed (initialisation, data and shuffling)",
            DefaultValueFactory = _ => new SyntheticTrainingOptions().Seed,
        };

        var command = new Command("demo", "Train a small CNN on synthetic quadrant images and report per-epoch loss and accuracy");
        command.Options.Add(epochsOption);
        command.Options.Add(seedOption);
        command.SetAction(parseResult => CliErrors.Run(parseResult, () =>
        {
            var options = new SyntheticTrainingOptions { Epochs = parseResult.GetValue(epochsOption), Seed = parseResult.GetValue(seedOption) };
            TorchRuntime.EnsureLoaded();
            var inv = CultureInfo.InvariantCulture;
            parseResult.InvocationConfiguration.Output.WriteLine($"SharpDistill demo on libtorch {TorchRuntime.LibTorchVersion} ({TorchRuntime.Threads} threads): " +
                              $"{options.TrainSamples} training and {options.TestSamples} held-out {options.ImageSize}x{options.ImageSize} images, " +
                              $"{options.Epochs} epochs, seed {options.Seed}");
            var result = SyntheticTraining.Run(options, e => parseResult.InvocationConfiguration.Output.WriteLine(string.Format(inv,
                "epoch {0,3}  lr {1:F4}  train loss {2:F4}  train acc {3,6:F2}%  test loss {4:F4}  test acc {5,6:F2}%  ({6:F2} s)",
                e.Epoch, e.LearningRate, e.TrainLoss, 100 * e.TrainAccuracy, e.TestLoss, 100 * e.TestAccuracy, e.Elapsed.TotalSeconds)));
            parseResult.InvocationConfiguration.Output.WriteLine(string.Format(inv, "final test accuracy {0:F2}% ({1} parameters, {2:F1} s)",
                100 * result.FinalTestAccuracy, result.ParameterCount, result.Elapsed.TotalSeconds));
            return 0;
        }));
        return command;
    }
}
