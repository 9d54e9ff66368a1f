using System.Diagnostics;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Reports;
using SharpDistill.Study;
using SharpDistill.Training;

namespace SharpDistill.Sweep;

/// <summary>The runs of one cell over its seeds.</summary>
public sealed record SweepCellRuns(SweepCell Cell, IReadOnlyList<StudyRun> Runs);

/// <summary>The sweep's runs per cell, the report written for them, and whether it was stopped.</summary>
public sealed record SweepResult(SweepGrid Grid, IReadOnlyList<SweepCellRuns> Cells, string ReportPath, TimeSpan Elapsed, bool Stopped, int Trained, int Reused);

/// <summary>
/// Runs a <see cref="SweepPlan"/>. Every config (each cell × seed) is resolved and validated first, so a value
/// that fails validation stops the sweep before any training; then each run is trained, resumed or reused
/// through the study's <see cref="StudyRunCache"/>. A teacher without a checkpoint is trained once per
/// teacher model (its config is the base one, with the grid's dataset.* values: never a cell's method settings).
/// </summary>
public sealed class SweepRunner
{
    private readonly SweepPlan plan;
    private readonly Action<string> print;
    private readonly StudyRunCache cache;

    public SweepRunner(SweepPlan plan, Action<string>? print = null)
    {
        this.plan = plan;
        this.print = print ?? Console.WriteLine;
        cache = new StudyRunCache(plan.OutputDirectory, this.print);
    }

    /// <summary>One run of the sweep before it is trained: its cell, seed and resolved config (teacher checkpoint still to come when trained here).</summary>
    private sealed record PlannedRun(SweepCell Cell, long Seed, IReadOnlyList<string> Settings, RunConfig Config);

    /// <summary>Every cell × seed resolved and validated, in order; a bad value is one error naming its cell.</summary>
    public IReadOnlyList<(SweepCell Cell, long Seed, RunConfig Config)> Resolve() =>
        Plan().Select(p => (p.Cell, p.Seed, p.Config)).ToList();

    public SweepResult Run(StopSignal? stop = null)
    {
        var clock = Stopwatch.StartNew();
        var planned = Plan();
        Directory.CreateDirectory(plan.OutputDirectory);
        var teachers = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new Dictionary<int, List<StudyRun>>();
        int trained = 0, reused = 0;
        var stopped = false;
        foreach (var run in planned)
        {
            var config = run.Config;
            if (config.Distiller.Descriptor.NeedsTeacher && config.Models.TeacherCheckpoint.Length == 0)
            {
                var teacherConfig = TeacherConfig(run.Cell, config.Models.Teacher);
                var key = ConfigWriter.Hash(teacherConfig);
                if (!teachers.TryGetValue(key, out var checkpoint))
                {
                    var teacher = cache.Train($"Teacher {config.Models.Teacher}", StudyRunRole.Teacher, teacherConfig, config.Models.Teacher, stop);
                    Count(teacher);
                    if (teacher.Result?.Stopped == true) { stopped = true; break; }
                    checkpoint = Path.Combine(teacher.RunDirectory, "checkpoints", "best.safetensors");
                    teachers[key] = checkpoint;
                }
                config = Resolved(run.Cell, run.Seed, run.Settings.Append($"models.teacher_checkpoint={checkpoint}"));
            }
            var name = $"{run.Cell.Label} s{run.Seed}";
            var outcome = cache.Train(name, StudyRunRole.Method, config, config.Models.Student, stop);
            Count(outcome);
            if (!runs.TryGetValue(run.Cell.Index, out var list)) runs[run.Cell.Index] = list = new List<StudyRun>();
            list.Add(StudyRun.FromRunDirectory(name, StudyRunRole.Method, outcome.RunDirectory) with
            {
                Group = run.Cell.Label, Seed = run.Seed, Model = config.Models.Student, Parameters = outcome.Parameters,
                // No WallTime: the time column is the sum of the run's epochs, the same whether it was trained now or reused.
                TeacherModel = config.Distiller.Descriptor.NeedsTeacher ? config.Models.Teacher : "",
            });
            if (outcome.Result?.Stopped == true) { stopped = true; break; }
        }
        var cells = plan.Grid.Cells().Where(c => runs.ContainsKey(c.Index)).Select(c => new SweepCellRuns(c, runs[c.Index])).ToList();
        var report = SweepReport.Write(Path.Combine(plan.OutputDirectory, "report"), plan.Grid, cells, Describe(planned), clock.Elapsed);
        return new SweepResult(plan.Grid, cells, report, clock.Elapsed, stopped, trained, reused);

        void Count(StudyOutcome outcome)
        {
            if (outcome.Reused) reused++;
            else trained++;
        }
    }

    private List<PlannedRun> Plan()
    {
        var seeds = plan.Seeds ?? new[] { RunConfig.Load(plan.ConfigFiles, plan.Overrides).Experiment.Seed };
        var planned = new List<PlannedRun>();
        foreach (var cell in plan.Grid.Cells())
            foreach (var seed in seeds)
            {
                var settings = CellSettings(cell, seed);
                planned.Add(new PlannedRun(cell, seed, settings, Resolved(cell, seed, settings)));
            }
        return planned;
    }

    /// <summary>--set, then the cell's values, then the seed, then (for a grid over teachers) the teacher's listed checkpoint.</summary>
    private List<string> CellSettings(SweepCell cell, long seed)
    {
        var settings = plan.Overrides.Concat(cell.Assignments).Append($"experiment.seed={seed}").ToList();
        var teacher = Load(cell, settings).Models.Teacher;
        if (plan.TeacherCheckpoints.TryGetValue(teacher, out var checkpoint)) settings.Add($"models.teacher_checkpoint={checkpoint}");
        return settings;
    }

    private RunConfig Resolved(SweepCell cell, long seed, IEnumerable<string> settings)
    {
        Load(cell, settings.ToList()); // the cell's own error first
        return cache.Resolve($"{cell.Slug}-seed{seed}", plan.ConfigFiles, settings);
    }

    private RunConfig Load(SweepCell cell, IReadOnlyList<string> settings)
    {
        try
        {
            return RunConfig.Load(plan.ConfigFiles, settings);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"sweep cell {cell.Label}: {e.Message}", e);
        }
    }

    /// <summary>The teacher a cell needs: the base config with the teacher's model, trained alone with the base seed.</summary>
    private RunConfig TeacherConfig(SweepCell cell, string teacher)
    {
        if (teacher.Length == 0)
            throw new ConfigException($"sweep cell {cell.Label}: the method needs a teacher; set models.teacher (and models.teacher_checkpoint, or let the sweep train it)");
        var teacherFree = MethodRegistry.All.First(m => !m.NeedsTeacher).Name;
        var settings = plan.Overrides
            .Concat(cell.Values.Where(v => v.Axis.Key.StartsWith("dataset.", StringComparison.Ordinal)).Select(v => $"{v.Axis.Key}={v.Value}"))
            .Concat(new[]
            {
                $"distiller.method={teacherFree}", $"models.student={teacher}", "models.teacher=''", "models.teacher_checkpoint=''",
                $"solver.epochs={plan.TeacherEpochs}",
                $"solver.lr_decay_stages=[{(plan.TeacherEpochs > 1 ? (plan.TeacherEpochs - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}]",
            });
        return cache.Resolve($"teacher-{teacher}", plan.ConfigFiles, settings);
    }

    private SweepReportContext Describe(IReadOnlyList<PlannedRun> planned)
    {
        var first = planned[0].Config;
        return new SweepReportContext(StudyRunner.PrettyDataset(first.Dataset.Name), first.Distiller.Method, first.Models.Student,
            first.Models.Teacher, first.Solver.Epochs, first.Dataset.TrainLimit, planned.Select(p => p.Seed).Distinct().Count());
    }
}
