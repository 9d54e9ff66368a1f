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
        var command = new Command("study",
            "Train a teacher (reused while its config is unchanged), the student alone and the student distilled with each method, then print the table and write the report");
        options.AddTo(command);
        command.Options.Add(teacher);
        command.Options.Add(student);
        command.Options.Add(teacherEpochs);
        command.Options.Add(methods);
        command.Options.Add(output);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            TorchRuntime.EnsureLoaded();
            var epochs = result.GetValue(teacherEpochs);
            var plan = defaults with
            {
                ConfigFiles = result.GetValue(options.Config) ?? Array.Empty<string>(),
                Overrides = result.GetValue(options.Set) ?? Array.Empty<string>(),
                Teacher = result.GetValue(teacher)!,
                Student = result.GetValue(student)!,
                TeacherEpochs = epochs,
                TeacherDecayStages = epochs > 1 ? new[] { epochs - 1 } : Array.Empty<int>(),
                Methods = result.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(m => MethodRegistry.Find(m).Name).ToArray(),
                OutputDirectory = result.GetValue(output)!,
            };
            var writer = result.InvocationConfiguration.Output;
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
