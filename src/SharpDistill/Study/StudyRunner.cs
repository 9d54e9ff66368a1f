using System.Diagnostics;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Reports;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Study;

/// <summary>One finished run of a study and how long it took (zero when reused).</summary>
public sealed record StudyOutcome(string Name, StudyRunRole Role, string RunDirectory, TrainingResult? Result, bool Reused, TimeSpan Elapsed,
    string Model, long Parameters)
{
    /// <summary>The method the run belongs to over seeds ("KD"); empty for the teacher.</summary>
    public string Group { get; init; } = "";
    public long? Seed { get; init; }
}

/// <summary>
/// Runs a <see cref="StudyPlan"/>: each run is cached by <see cref="StudyRunCache"/> (a directory named
/// after its role and the hash of its resolved config), so a run whose config did not change and that
/// finished is reused (the teacher especially), and an interrupted study resumes where it stopped. Ends with the report.
/// </summary>
public sealed class StudyRunner
{
    private readonly StudyPlan plan;
    private readonly Action<string> print;

    public StudyRunner(StudyPlan plan, Action<string>? print = null)
    {
        this.plan = plan;
        this.print = print ?? Console.WriteLine;
    }

    public StudyResult Run(StopSignal? stop = null)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(plan.OutputDirectory);
        var outcomes = new List<StudyOutcome>();
        var teacherConfig = Config("teacher", TeacherFree, plan.Teacher, new[]
        {
            $"solver.epochs={plan.TeacherEpochs}", $"solver.lr_decay_stages=[{string.Join(",", plan.TeacherDecayStages)}]",
        });
        var teacher = Train("Teacher", StudyRunRole.Teacher, teacherConfig, plan.Teacher, stop);
        outcomes.Add(teacher);
        if (teacher.Result?.Stopped == true) return Finish(outcomes, clock, stopped: true);
        var teacherCheckpoint = Path.Combine(teacher.RunDirectory, "checkpoints", "best.safetensors");

        using var teacherCache = plan.CacheTeacherOutputs ? new TeacherOutputCache() : null;
        var seeds = plan.Seeds ?? new[] { RunConfig.Load(plan.ConfigFiles, plan.Overrides).Experiment.Seed };
        if (seeds.Count > 1)
            print($"Teacher: trained once and shared by all {seeds.Count} seeds ({string.Join(", ", seeds)}); each seed gives the baseline and every method the same student initialisation and data order");
        foreach (var seed in seeds)
        {
            if (outcomes[^1].Result?.Stopped == true) break;
            var seedSetting = $"experiment.seed={seed}";
            outcomes.Add(Train(SeedName("Baseline", seed, seeds.Count), StudyRunRole.Baseline,
                Config($"baseline-seed{seed}", TeacherFree, plan.Student, new[] { seedSetting }), plan.Student, stop) with { Group = "Baseline", Seed = seed });
            foreach (var method in plan.Methods)
            {
                if (outcomes[^1].Result?.Stopped == true) break;
                var descriptor = MethodRegistry.Find(method);
                outcomes.Add(Train(SeedName(descriptor.DisplayName, seed, seeds.Count), StudyRunRole.Method,
                    MethodConfig(descriptor.Name, teacherCheckpoint, seed), plan.Student, stop, teacherCache) with { Group = descriptor.DisplayName, Seed = seed });
            }
        }
        if (teacherCache != null) print(teacherCache.Summary());
        return Finish(outcomes, clock, stopped: outcomes.Any(o => o.Result?.Stopped == true));
    }

    /// <summary>The name of the teacher-free method the teacher and the baseline train with.</summary>
    private static string TeacherFree => MethodRegistry.All.First(m => !m.NeedsTeacher).Name;

    /// <summary>"KD" in a one-seed study, "KD s2" when seeds repeat it (names are unique within a study).</summary>
    private static string SeedName(string name, long seed, int seedCount) => seedCount == 1 ? name : $"{name} s{seed}";

    /// <summary>
    /// The resolved config of the study's run of <paramref name="method"/> (the student distilled from the
    /// study's teacher), with <paramref name="seed"/> when the study repeats runs over seeds.
    /// </summary>
    public RunConfig MethodConfig(string method, string teacherCheckpoint, long? seed = null) =>
        Config(seed is { } s ? $"{method}-seed{s}" : method, method, plan.Student, new[]
        {
            $"models.teacher={plan.Teacher}", $"models.teacher_checkpoint={teacherCheckpoint}",
        }.Concat(seed is { } value ? [$"experiment.seed={value}"] : Array.Empty<string>()));

    private RunConfig Config(string role, string method, string model, IEnumerable<string> specific)
    {
        var settings = new List<string> { $"distiller.method={method}", $"models.student={model}" };
        settings.AddRange(specific);
        settings.AddRange(plan.Overrides);
        return Cache.Resolve(role, plan.ConfigFiles, settings);
    }

    private StudyRunCache Cache => new(plan.OutputDirectory, print);

    private StudyOutcome Train(string name, StudyRunRole role, RunConfig config, string model, StopSignal? stop,
        TeacherOutputCache? teacherCache = null) =>
        Cache.Train(name, role, config, model, stop, teacherCache);

    private StudyResult Finish(List<StudyOutcome> outcomes, Stopwatch clock, bool stopped)
    {
        var teacher = outcomes.FirstOrDefault(o => o.Role == StudyRunRole.Teacher);
        var runs = outcomes.Select(o => StudyRun.FromRunDirectory(o.Name, o.Role, o.RunDirectory) with
        {
            Group = o.Group, Seed = o.Seed, Model = o.Model, Parameters = o.Parameters,
            TeacherModel = o.Role == StudyRunRole.Method ? plan.Teacher : "",
            TeacherParameters = o.Role == StudyRunRole.Method ? teacher?.Parameters : null,
        }).ToList();
        var datasetName = RunConfig.Load(plan.ConfigFiles, plan.Overrides).Dataset.Name;
        var report = WriteReport(plan.OutputDirectory, runs, datasetName, plan.Teacher, plan.Student, clock.Elapsed);
        return new StudyResult(outcomes, runs, report, clock.Elapsed, stopped);
    }

    /// <summary>Writes the report of a study's runs into outputDirectory/report and returns the page's path.</summary>
    public static string WriteReport(string outputDirectory, IReadOnlyList<StudyRun> runs, DatasetName datasetName, string teacher, string student, TimeSpan wallTime)
    {
        var seeds = runs.Where(r => r.Role != StudyRunRole.Teacher).Select(r => r.Seed).Distinct().Count();
        var environment = StudyEnvironment.Capture("cpu") with
        {
            Extra = new[]
            {
                KeyValuePair.Create("SharpDistill", typeof(StudyRunner).Assembly.GetName().Version?.ToString() ?? ""),
                KeyValuePair.Create("Study wall time", ReportFormat.Duration(wallTime) + " (this invocation; reused runs cost nothing)"),
                KeyValuePair.Create("Seeds", seeds.ToString(CultureInfo.InvariantCulture)),
            },
        };
        var input = new StudyReportInput
        {
            Title = $"Logit distillation on {PrettyDataset(datasetName)}: {teacher} -> {student}",
            Dataset = PrettyDataset(datasetName),
            Runs = runs,
            BaselineName = runs.FirstOrDefault(r => r.Role == StudyRunRole.Baseline)?.Name,
            Environment = environment,
            Notes = new[]
            {
                "Every student run uses the same data, epochs and LR schedule; runs with the same seed share the student's initial weights and the data order, so each method's gain is paired per seed.",
                "The teacher is trained once and shared by every seed: the intervals cover the students' seed noise, not the teacher's.",
                "Top-1 is the last epoch's; \"best epoch\" is selected on the test set and therefore optimistic.",
                "Same machine, same thread count, same config: bit-identical results. Another CPU may pick other kernels and differ within seed noise.",
                "CMKD is a reconstruction (the paper's body is not available); see README.",
            },
        };
        var reportDirectory = Path.Combine(outputDirectory, "report");
        StudyReport.Write(reportDirectory, input);
        return Path.Combine(reportDirectory, "report.html");
    }

    internal static string PrettyDataset(DatasetName name) => name switch
    {
        DatasetName.FashionMnist => "Fashion-MNIST",
        DatasetName.Mnist => "MNIST",
        DatasetName.Cifar10 => "CIFAR-10",
        DatasetName.Cifar100 => "CIFAR-100",
        DatasetName.TinyImagenet => "Tiny-ImageNet",
        DatasetName.Imagenet => "ImageNet",
        _ => "an image folder",
    };
}

/// <summary>The runs of a study, the report written for them and the total time.</summary>
public sealed record StudyResult(IReadOnlyList<StudyOutcome> Outcomes, IReadOnlyList<StudyRun> Runs, string ReportPath, TimeSpan Elapsed, bool Stopped);
