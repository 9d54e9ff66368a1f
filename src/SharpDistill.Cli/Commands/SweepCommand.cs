using System.CommandLine;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Study;
using SharpDistill.Sweep;
using SharpDistill.Torch;
using SharpDistill.Training;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `sweep`: a grid over config keys × seeds, each cell a cached, resumable run (the study's run cache),
/// reported per cell with the mean and 95 % interval over the seeds as a table and a chart.
/// </summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var defaults = new SweepPlan { Grid = null! };
        var options = new RunOptions();
        var grid = new Option<string[]>("--grid", "-g")
        {
            Description = "One key of the grid and its values, e.g. --grid distiller.crld.tau_w=0.5,0.7,0.9 (repeatable; adds to a config file's grid:)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var seeds = new Option<string?>("--seeds")
        {
            Description = "Seeds of every cell: a count N (seeds 0..N-1) or a list (0,1,2); overrides a config file's seeds:. Default: the config's experiment.seed",
        };
        var teacherEpochs = new Option<int>("--teacher-epochs")
        {
            Description = "Epochs of a teacher the sweep trains itself (when models.teacher_checkpoint is empty)", DefaultValueFactory = _ => defaults.TeacherEpochs,
        };
        var output = new Option<string>("--output-dir", "-o") { Description = "Folder of the sweep's runs and report", DefaultValueFactory = _ => defaults.OutputDirectory };
        var command = new Command("sweep",
            "Train every cell of a grid over config keys for each seed (cached and resumable), then print the table and write the report with a chart");
        options.AddTo(command);
        command.Options.Add(grid);
        command.Options.Add(seeds);
        command.Options.Add(teacherEpochs);
        command.Options.Add(output);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            var writer = result.InvocationConfiguration.Output;
            var outputDirectory = result.GetValue(output)!;
            if (result.GetValue(teacherEpochs) < 1) throw new ConfigException($"--teacher-epochs must be at least 1, got {result.GetValue(teacherEpochs)}");
            // A sweep config's grid:, seeds: and teacher_checkpoints: are the sweep's; the rest is run settings.
            var configFiles = new List<string>();
            var axes = new List<SweepAxis>();
            IReadOnlyList<long>? fileSeeds = null;
            var checkpoints = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (file, index) in (result.GetValue(options.Config) ?? Array.Empty<string>()).Select((f, i) => (f, i)))
            {
                var runSettings = Path.Combine(outputDirectory, $"sweep-settings-{index}.yaml");
                var parts = SweepFile.Split(file, runSettings);
                configFiles.Add(runSettings);
                axes.AddRange(parts.Grid);
                fileSeeds = parts.Seeds ?? fileSeeds;
                foreach (var (model, path) in parts.TeacherCheckpoints) checkpoints[model] = path;
            }
            axes.AddRange((result.GetValue(grid) ?? Array.Empty<string>()).Select(SweepGrid.ParseArgument));
            var plan = new SweepPlan
            {
                Grid = new SweepGrid(axes),
                ConfigFiles = configFiles,
                Overrides = result.GetValue(options.Set) ?? Array.Empty<string>(),
                Seeds = result.GetValue(seeds) is { } seedText ? StudySeeds.Parse(seedText) : fileSeeds,
                TeacherCheckpoints = checkpoints,
                TeacherEpochs = result.GetValue(teacherEpochs),
                OutputDirectory = outputDirectory,
            };
            var runner = new SweepRunner(plan, line => writer.WriteLine(line));
            var planned = runner.Resolve(); // every cell validated before the engine loads or anything trains
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sweep: {plan.Grid.Cells().Count} cell(s) × {planned.Select(p => p.Seed).Distinct().Count()} seed(s) = {planned.Count} run(s) -> {Path.GetFullPath(outputDirectory)}"));
            TorchRuntime.EnsureLoaded();
            using var stop = new StopSignal();
            var sweep = runner.Run(stop);
            writer.WriteLine();
            writer.Write(SweepReport.Text(sweep.Grid, sweep.Cells.Select(SweepCellSummary.Of).ToList()));
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sweep {(sweep.Stopped ? "stopped" : "finished")} in {sweep.Elapsed.TotalMinutes:0.0} min ({sweep.Trained} run(s) trained, {sweep.Reused} reused); report: {Path.GetFullPath(sweep.ReportPath)}"));
            return sweep.Stopped ? CliErrors.Interrupted : CliErrors.Ok;
        }));
        return command;
    }
}
