using System.CommandLine;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Study;
using SharpDistill.Torch;
using SharpDistill.Training;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `study`: the main job. Trains (or reuses) a teacher, the student baseline and the same student
/// distilled with every method under one budget, prints the results table and writes the report.
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var defaults = new StudyPlan();
        var options = new RunOptions();
        var teacher = new Option<string>("--teacher") { Description = "Teacher model (zoo name)", DefaultValueFactory = _ => defaults.Teacher };
        var student = new Option<string>("--student") { Description = "Student model (zoo name)", DefaultValueFactory = _ => defaults.Student };
        var teacherEpochs = new Option<int>("--teacher-epochs") { Description = "Epochs of the teacher's own training", DefaultValueFactory = _ => defaults.TeacherEpochs };
        var methods = new Option<string>("--methods")
        {
            Description = "Comma-separated distillation methods to compare with the baseline",
            DefaultValueFactory = _ => string.Join(",", defaults.Methods),
        };
        var output = new Option<string>("--output-dir", "-o") { Description = "Folder of the study's runs and report", DefaultValueFactory = _ => defaults.OutputDirectory };
        var seeds = new Option<string?>("--seeds")
        {
            Description = "Seeds of the student runs: a count N (seeds 0..N-1) or a list (0,1,2); overrides a config file's seeds:. Default: the config's experiment.seed (set it with --set experiment.seed=S for one other seed)",
        };
        var noTeacherCache = new Option<bool>("--no-teacher-cache")
        {
            Description = "Recompute the teacher's logits in every method's run instead of sharing them between runs of one seed (same results, slower)",
        };
        var from = new Option<string?>("--from") { Description = "Rebuild the table and report from the run directories in this study folder, without training" };
        var command = new Command("study",
            "Train a teacher (reused while its config is unchanged), the student alone and the student distilled with each method, then print the table and write the report");
        options.AddTo(command);
        command.Options.Add(teacher);
        command.Options.Add(student);
        command.Options.Add(teacherEpochs);
        command.Options.Add(methods);
        command.Options.Add(output);
        command.Options.Add(seeds);
        command.Options.Add(from);
        command.Options.Add(noTeacherCache);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            TorchRuntime.EnsureLoaded();
            var writer = result.InvocationConfiguration.Output;
            if (result.GetValue(from) is { } folder)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var loaded = StudyFromRuns.Read(folder);
                var page = StudyRunner.WriteReport(folder, loaded.Runs, loaded.Dataset, loaded.Teacher, loaded.Student, clock.Elapsed);
                writer.Write(StudyTable.Format(loaded.Runs));
                writer.WriteLine();
                writer.WriteLine($"report rebuilt from {loaded.Runs.Count} runs without training: {Path.GetFullPath(page)}");
                return CliErrors.Ok;
            }
            var epochs = result.GetValue(teacherEpochs);
            var outputDirectory = result.GetValue(output)!;
            // A study config's seeds: key is the study's; the rest of the file is run settings, read by the ordinary loader.
            var configFiles = new List<string>();
            IReadOnlyList<long>? fileSeeds = null;
            foreach (var (file, index) in (result.GetValue(options.Config) ?? Array.Empty<string>()).Select((f, i) => (f, i)))
            {
                var runSettings = Path.Combine(outputDirectory, $"study-settings-{index}.yaml");
                var found = StudySeeds.SplitFile(file, runSettings);
                configFiles.Add(found is null ? file : runSettings);
                fileSeeds = found ?? fileSeeds;
            }
            var plan = defaults with
            {
                ConfigFiles = configFiles,
                Overrides = result.GetValue(options.Set) ?? Array.Empty<string>(),
                Teacher = result.GetValue(teacher)!,
                Student = result.GetValue(student)!,
                TeacherEpochs = epochs,
                TeacherDecayStages = epochs > 1 ? new[] { epochs - 1 } : Array.Empty<int>(),
                Methods = result.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(m => MethodRegistry.Find(m).Name).ToArray(),
                OutputDirectory = outputDirectory,
                Seeds = result.GetValue(seeds) is { } seedText ? StudySeeds.Parse(seedText) : fileSeeds,
                CacheTeacherOutputs = !result.GetValue(noTeacherCache),
            };
            using var stop = new StopSignal();
            var study = new StudyRunner(plan, line => writer.WriteLine(line)).Run(stop);
            writer.WriteLine();
            writer.Write(StudyTable.Format(study.Runs));
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"study {(study.Stopped ? "stopped" : "finished")} in {study.Elapsed.TotalMinutes:0.0} min; report: {Path.GetFullPath(study.ReportPath)}"));
            return study.Stopped ? CliErrors.Interrupted : CliErrors.Ok;
        }));
        return command;
    }
}
