using System.CommandLine;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Distributed;
using SharpDistill.Torch;
using SharpDistill.Training;

namespace SharpDistill.Cli.Commands;

/// <summary>`train` (a model alone, with CE: teachers and baselines) and `distill` (a student from a teacher).</summary>
public static class TrainCommand
{
    public static Command CreateTrain()
    {
        var options = new RunOptions();
        var resume = ResumeOption();
        var command = new Command("train", "Train a model from scratch with cross-entropy (a teacher, or the student baseline); models.student names the model");
        options.AddTo(command);
        command.Options.Add(resume);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            var config = options.Resolve(result, new[] { "distiller.method=ce" });
            return Execute(config, result.GetValue(resume), result.InvocationConfiguration.Output);
        }));
        return command;
    }

    public static Command CreateDistill()
    {
        var options = new RunOptions();
        var resume = ResumeOption();
        var method = new Option<string?>("--method", "-m") { Description = MethodHelp() };
        var teacherCheckpoint = new Option<string?>("--teacher-checkpoint", "-t")
        {
            Description = "Teacher weights: a SharpDistill checkpoint, a safetensors state dict or a PyTorch .pth (overrides models.teacher_checkpoint)",
        };
        var command = new Command("distill", "Distil a student from a trained teacher with the chosen method (CRLD by default)");
        options.AddTo(command);
        command.Options.Add(method);
        command.Options.Add(teacherCheckpoint);
        command.Options.Add(resume);
        command.SetAction(result => CliErrors.Run(result, () =>
        {
            var first = new List<string>();
            if (result.GetValue(method) is { } m)
            {
                if (!MethodRegistry.Find(m).NeedsTeacher) throw new ArgumentException($"distill needs a distillation method; use `sharpdistill train` for {m} alone");
                first.Add($"distiller.method={m}");
            }
            if (result.GetValue(teacherCheckpoint) is { } t) first.Add($"models.teacher_checkpoint={t}");
            var config = options.Resolve(result, first);
            if (!config.Distiller.Descriptor.NeedsTeacher)
                throw new ConfigException($"distiller.method is {config.Distiller.Method}: `distill` needs a distillation method " +
                                          $"(--method {string.Join("|", MethodRegistry.Distillation.Select(d => d.Name))})");
            return Execute(config, result.GetValue(resume), result.InvocationConfiguration.Output);
        }));
        return command;
    }

    /// <summary>The --method help: one line per distillation method the registry knows.</summary>
    private static string MethodHelp() =>
        "Distillation method (default: the config's distiller.method):" +
        string.Concat(MethodRegistry.Distillation.Select(d => $"{Environment.NewLine}  {d.Name,-6} {d.Help}"));

    private static Option<bool> ResumeOption() => new("--resume", "-r")
    {
        Description = "Continue the run in the run directory from its latest checkpoint (same config; solver.epochs may grow)",
    };

    /// <summary>
    /// Collectives made inside a training step (synchronised batch norm, forward and backward) fail
    /// like the trainer's own: with the rank, the peers it waited for and exit code 4.
    /// </summary>
    private static TrainingResult RunTraining(Trainer trainer, bool resume, StopSignal stop, DistributedContext? distributed)
    {
        try
        {
            return trainer.Run(resume, stop);
        }
        catch (TorchDistributedException e) when (distributed != null)
        {
            throw new DistributedFailureException(DataParallelTraining.Describe(distributed, "communicating inside a training step", e.Message), e);
        }
    }

    private static int Execute(RunConfig config, bool resume, TextWriter output)
    {
        TorchRuntime.EnsureLoaded();
        // A worker of a data-parallel job (torchrun's environment variables, docs/distributed.md):
        // only rank 0 reports; every rank still reports its own errors on stderr.
        var distributed = DistributedContext.FromEnvironment();
        if (distributed is { IsMain: false }) output = TextWriter.Null;
        using var stop = new StopSignal();
        using var setup = RunFactory.Create(config, distributed);
        var backend = distributed == null ? DistributedBackend.Gloo : DistributedContext.BackendFor(setup.Device);
        using var dataParallel = distributed == null ? null : new DataParallelTraining(distributed, distributed.Join(backend), setup.Distiller);
        var synchronisedBatchNorms = config.Distributed.SyncBatchNorm ? dataParallel?.SynchroniseBatchNorm() ?? 0 : 0;
        using var trainer = new Trainer(setup, output.WriteLine, output) { Distributed = dataParallel };
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(inv, "{0}: {1} student {2}{3} on {4} ({5} train / {6} test images, {7} views), {8} epochs, libtorch {9}, {10} threads, {11}",
            setup.RunDirectory, setup.Distiller.Method, config.Models.Student,
            setup.Distiller.Teacher != null ? $" from teacher {config.Models.Teacher}" : "",
            RunFactory.CatalogName(config.Dataset.Name), setup.TrainLoader.Dataset.Count, setup.TestLoader.Dataset.Count, setup.Distiller.ViewCount,
            config.Solver.Epochs, TorchRuntime.LibTorchVersion, TorchRuntime.Threads, setup.Device));
        if (distributed != null)
            output.WriteLine($"data-parallel: {distributed.WorldSize} processes ({backend.ToString().ToLowerInvariant()} via {distributed.MasterAddress}:{distributed.MasterPort}), " +
                             $"{setup.TrainLoader.Options.BatchSize} of the global batch {config.Solver.BatchSize} per process, " +
                             (config.Distributed.SyncBatchNorm ? $"batch norm synchronised across processes ({synchronisedBatchNorms} layers)" : "batch norm per process"));
        if (setup.TeacherSource.Length > 0) output.WriteLine($"teacher: {setup.TeacherSource}");
        var result = RunTraining(trainer, resume, stop, distributed);
        if (dataParallel != null)
            output.WriteLine(string.Format(inv, "data-parallel: gradient all-reduce {0:0.00} ms per step on rank 0 ({1} bucket(s), {2})",
                dataParallel.GradientCommunicationPerStep.TotalMilliseconds, dataParallel.BucketCount,
                dataParallel.GradientSync == GradientSync.Overlapped ? "overlapped with backward; the time is the wait after it" : "after backward"));
        output.WriteLine(string.Format(inv, "{0}: best test top-1 {1:0.00} (epoch {2}), last {3:0.00}; {4} epochs in {5:0.0} s; checkpoints in {6}",
            result.Stopped ? "stopped" : "done", result.BestTop1, result.BestEpoch, result.LastTop1, result.EpochsCompleted,
            result.Elapsed.TotalSeconds, Path.Combine(result.RunDirectory, "checkpoints")));
        return result.Stopped ? CliErrors.Interrupted : CliErrors.Ok;
    }
}
