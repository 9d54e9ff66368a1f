using System.CommandLine;
using SharpDistill.Benchmarks;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Commands;

/// <summary>
/// `bench`: times full distillation steps (teacher forward, student forward + backward, optimizer
/// step), the CRLD data pipeline with one and with several workers, and memory; prints the figures
/// and optionally writes them as JSON for comparing builds.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchOptions();
        var teacher = new Option<string>("--teacher") { Description = "Teacher model (zoo name)", DefaultValueFactory = _ => defaults.Teacher };
        var student = new Option<string>("--student") { Description = "Student model (zoo name)", DefaultValueFactory = _ => defaults.Student };
        var method = new Option<string>("--method")
        {
            Description = $"Distillation method: {string.Join(", ", MethodRegistry.Names)}",
            DefaultValueFactory = _ => defaults.Method,
        };
        method.AcceptOnlyFromAmong(MethodRegistry.Names.ToArray());
        var batchSize = new Option<int>("--batch-size") { Description = "Images per training step", DefaultValueFactory = _ => defaults.BatchSize };
        var imageSize = new Option<int>("--image-size") { Description = "Side of the square inputs", DefaultValueFactory = _ => defaults.ImageSize };
        var classes = new Option<int>("--classes") { Description = "Number of classes", DefaultValueFactory = _ => defaults.NumClasses };
        var steps = new Option<int>("--steps") { Description = "Timed training steps", DefaultValueFactory = _ => defaults.Steps };
        var warmup = new Option<int>("--warmup-steps") { Description = "Untimed training steps first", DefaultValueFactory = _ => defaults.WarmupSteps };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: the engine's setting, one per core)" };
        var workers = new Option<int?>("--workers") { Description = "Data-loader worker threads of the multi-worker pipeline measurement (default: one per core)" };
        var samples = new Option<int>("--pipeline-samples") { Description = "Images per data-pipeline measurement", DefaultValueFactory = _ => defaults.PipelineSamples };
        var teacherReps = new Option<int>("--teacher-compare-reps")
        {
            Description = "Timed repetitions of the batched and the separate teacher calls in their comparison",
            DefaultValueFactory = _ => defaults.TeacherComparisonRepetitions,
        };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => defaults.Device.ToString() };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random inputs and weights", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file" };
        var compute = new SharpDistill.Config.ComputeConfig();
        var studentPrecision = new Option<string>("--student-precision")
        {
            Description = "Student forward: fp32, or bf16 (libtorch's autocast)", DefaultValueFactory = _ => Key(compute.StudentPrecision),
        };
        studentPrecision.AcceptOnlyFromAmong(Keys<Precision>());
        var teacherPrecision = new Option<string>("--teacher-precision")
        {
            Description = "Frozen teacher's weights: fp32 or bf16", DefaultValueFactory = _ => Key(compute.TeacherPrecision),
        };
        teacherPrecision.AcceptOnlyFromAmong(Keys<Precision>());
        var memoryFormat = new Option<string>("--memory-format")
        {
            Description = "Layout of weights and inputs: contiguous or channels_last", DefaultValueFactory = _ => Key(compute.MemoryFormat),
        };
        memoryFormat.AcceptOnlyFromAmong(Keys<MemoryFormat>());
        var foldTeacher = new Option<bool>("--fold-teacher")
        {
            Description = "Fold the teacher's batch norms into its convolutions (true or false)", DefaultValueFactory = _ => compute.FoldTeacher,
        };
        var compareModes = new Option<bool>("--compare-modes")
        {
            Description = $"Run the compute modes side by side ({string.Join(", ", ComputeMode.All.Select(m => m.Name))}), one row each, with the teacher's fidelity to plain fp32",
        };
        var modes = new Option<string?>("--modes") { Description = "With --compare-modes: a comma-separated subset of the modes" };
        var rounds = new Option<int>("--rounds")
        {
            Description = "With --compare-modes: rounds over all modes (each runs --steps timed steps per mode), so modes alternate", DefaultValueFactory = _ => defaults.Rounds,
        };

        var command = new Command("bench", "Measure training-step and data-pipeline throughput, memory and tensor hygiene of a teacher/student pair");
        foreach (var option in new Option[] { teacher, student, method, batchSize, imageSize, classes, steps, warmup, threads, workers, samples, teacherReps, device, seed, json, studentPrecision, teacherPrecision, memoryFormat, foldTeacher, compareModes, modes, rounds })
            command.Options.Add(option);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var options = new BenchOptions
            {
                Teacher = parse.GetValue(teacher)!,
                Student = parse.GetValue(student)!,
                Method = parse.GetValue(method)!,
                BatchSize = parse.GetValue(batchSize),
                ImageSize = parse.GetValue(imageSize),
                NumClasses = parse.GetValue(classes),
                Steps = parse.GetValue(steps),
                WarmupSteps = parse.GetValue(warmup),
                Threads = parse.GetValue(threads),
                Workers = parse.GetValue(workers),
                PipelineSamples = parse.GetValue(samples),
                TeacherComparisonRepetitions = parse.GetValue(teacherReps),
                Device = Device.Parse(parse.GetValue(device)!),
                Seed = parse.GetValue(seed),
                Compute = new SharpDistill.Config.ComputeConfig
                {
                    StudentPrecision = Parse<Precision>(parse.GetValue(studentPrecision)!),
                    TeacherPrecision = Parse<Precision>(parse.GetValue(teacherPrecision)!),
                    MemoryFormat = Parse<MemoryFormat>(parse.GetValue(memoryFormat)!),
                    FoldTeacher = parse.GetValue(foldTeacher),
                },
                CompareModes = parse.GetValue(compareModes),
                Modes = parse.GetValue(modes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Rounds = parse.GetValue(rounds),
            };
            if (options.CompareModes)
            {
                var comparison = ModeComparison.Run(options, message => Console.Error.WriteLine($"bench: {message}"));
                ModeComparisonText.Write(parse.InvocationConfiguration.Output, comparison);
                if (parse.GetValue(json) is { } comparisonFile)
                {
                    ModeComparisonText.WriteJson(comparisonFile.FullName, comparison);
                    parse.InvocationConfiguration.Output.WriteLine($"figures written to {comparisonFile.FullName}");
                }
                return CliErrors.Ok;
            }
            var report = Benchmark.Run(options, message => Console.Error.WriteLine($"bench: {message}"));
            BenchReportText.Write(parse.InvocationConfiguration.Output, report);
            if (parse.GetValue(json) is { } file)
            {
                BenchReportJson.Write(file.FullName, report);
                parse.InvocationConfiguration.Output.WriteLine($"figures written to {file.FullName}");
            }
            if (!report.LiveTensors.BackToBaseline)
            {
                Console.Error.WriteLine($"error: {report.LiveTensors.Leaked} tensor handle(s) were not freed by the bench");
                return CliErrors.CheckFailed;
            }
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string Key<T>(T value) where T : struct, Enum => SharpDistill.Config.ConfigNames.ToKey(value.ToString());

    private static string[] Keys<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Key).ToArray();

    private static T Parse<T>(string key) where T : struct, Enum => Enum.GetValues<T>().Single(v => Key(v) == key);
}
