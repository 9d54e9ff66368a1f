using System.Diagnostics;
using System.Globalization;
using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Torch;
using SharpDistill.Torch.Optim;
using SharpDistill.Torch.Optim.Schedules;
using SharpDistill.Training.Checkpoints;
using SharpDistill.Training.Logging;

namespace SharpDistill.Training;

/// <summary>
/// The training loop of the published recipes (docs/training.md): SGD with momentum and coupled weight
/// decay on every trainable parameter, step LR decay at 1-based epochs, one TensorScope per step;
/// after each epoch the student is evaluated on the clean test set, metrics are logged and the
/// "latest" (and "best") checkpoints are written atomically. A NaN or infinite loss stops the run
/// with a clear message and keeps the last good checkpoint; a stop request (Ctrl-C) finishes the
/// current step, writes "latest" and returns; <c>resume</c> continues exactly where "latest" left off.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly RunSetup run;
    private readonly RunConfig config;
    private readonly Action<string> print;
    private readonly TextWriter? progressOutput;
    private readonly string checkpointDirectory;
    private readonly LearningRateSchedule schedule;

    /// <param name="run">The run's parts.</param>
    /// <param name="print">Receives every line the trainer reports (epoch summaries, notes).</param>
    /// <param name="progressOutput">Where the progress bar may draw (only an interactive terminal gets one); null: none.</param>
    public Trainer(RunSetup run, Action<string> print, TextWriter? progressOutput = null)
    {
        this.run = run;
        config = run.Config;
        this.print = print;
        this.progressOutput = progressOutput;
        checkpointDirectory = Path.Combine(run.RunDirectory, "checkpoints");
        Optimizer = OptimizerFactory.Create(config.Solver, run.Distiller.TrainableParameters());
        schedule = OptimizerFactory.Schedule(config.Solver);
    }

    /// <summary>The optimizer over the distiller's trainable parameters (solver.*), built with the trainer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>
    /// Set for a data-parallel job (docs/distributed.md): weights start from rank 0's, gradients are
    /// averaged over the ranks, evaluation is combined, and only rank 0 writes to the run directory.
    /// </summary>
    public Distributed.DataParallelTraining? Distributed { get; set; }

    /// <summary>Whether this process writes logs, checkpoints and reports (rank 0, or a single-process run).</summary>
    private bool Writes => Distributed?.Context.IsMain ?? true;

    /// <summary>Called after every optimizer step with (epoch, step in epoch); lets embedders and tests act between steps.</summary>
    public Action<int, int>? AfterStep { get; set; }

    /// <summary>run directory/checkpoints/latest.safetensors: written after every epoch, with the optimizer state; what a resume reads.</summary>
    public string LatestPath => Path.Combine(checkpointDirectory, "latest.safetensors");
    /// <summary>run directory/checkpoints/best.safetensors: the epoch with the best test top-1 so far.</summary>
    public string BestPath => Path.Combine(checkpointDirectory, "best.safetensors");

    /// <summary>Trains for solver.epochs, evaluating and checkpointing after every epoch.</summary>
    /// <param name="resume">Continue the run in the run directory from <see cref="LatestPath"/> (same config; solver.epochs may grow).</param>
    /// <param name="stop">When requested (Ctrl-C, or your code), the current step finishes, "latest" is written and Run returns.</param>
    /// <exception cref="CheckpointException">A run already exists there and <paramref name="resume"/> is false, or it cannot be resumed.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last good checkpoint is kept.</exception>
    public TrainingResult Run(bool resume = false, StopSignal? stop = null)
    {
        var clock = Stopwatch.StartNew();
        using var runLock = Writes ? RunDirectoryLock.Acquire(run.RunDirectory) : null;
        var metrics = new MetricsLog(run.RunDirectory) { Enabled = Writes };
        var worklog = new WorkLog(run.RunDirectory) { Enabled = Writes };
        if (runLock?.Note != null) Report(worklog, runLock.Note);
        foreach (var orphan in Writes ? OrphanedTemporaryFiles() : [])
        {
            File.Delete(orphan);
            Report(worklog, $"removed {Path.GetRelativePath(run.RunDirectory, orphan)}, left by a run that was killed while writing");
        }
        var description = Describe(ConfigWriter.ToYaml(config));

        var training = TrainingState.Start(config.Experiment.Seed);
        if (File.Exists(LatestPath) && !resume)
            throw new CheckpointException(
                $"{run.RunDirectory} already holds a run (checkpoints/latest.safetensors); pass --resume to continue it, or choose another experiment.name / output_dir");
        if (resume)
        {
            if (!File.Exists(LatestPath)) throw new CheckpointException($"nothing to resume: {LatestPath} does not exist");
            var saved = CheckpointFile.Load(LatestPath, run.Distiller.Student, run.Distiller.ExtraModules, Optimizer);
            CheckResumable(saved, description.ConfigYaml);
            training = saved.Training;
            if (metrics.TruncateAfter(training.Epoch) is { } repaired) Report(worklog, repaired);
            worklog.Note($"resumed from {LatestPath}: epoch {training.Epoch} complete, {training.StepsIntoEpoch} steps into epoch {training.NextEpoch}");
        }
        else
        {
            worklog.Note($"started {run.Distiller.Method}: student {config.Models.Student}" +
                         (run.Distiller.Teacher != null ? $", teacher {config.Models.Teacher} ({run.TeacherSource})" : ""));
        }
        Distributed?.BroadcastState();
        if (Writes) ConfigWriter.WriteFile(config, Path.Combine(run.RunDirectory, "config.yaml"));
        using var tensorboard = config.Log.Tensorboard && Writes ? new TensorBoardWriter(Path.Combine(run.RunDirectory, "tensorboard")) : null;
        var progressBar = new EpochProgress(config.Log.Progress, progressOutput);
        var stopped = false;
        for (var epoch = training.NextEpoch; epoch <= config.Solver.Epochs && !stopped; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            Optimizer.SetLearningRate(schedule, epoch);
            var lr = Optimizer.ParamGroups[0].LearningRate;
            // A data-parallel job's partial epoch was saved combined over the ranks: rank 0 alone takes it up.
            var accumulator = EpochAccumulator.FromState(Writes ? training.PartialEpoch : null);
            var alreadySeconds = accumulator.Seconds;
            var skipSteps = training.StepsIntoEpoch;
            var stepsDone = skipSteps;
            run.Distiller.TrainMode();
            progressBar.Run($"epoch {epoch}/{config.Solver.Epochs}", run.TrainLoader.BatchesPerEpoch, report =>
            {
                var step = 0;
                foreach (var batch in run.TrainLoader.Epoch(epoch))
                {
                    using (batch)
                    {
                        if (step++ < skipSteps) continue;
                        TrainStep(batch, epoch, step, accumulator);
                        stepsDone = step;
                        AfterStep?.Invoke(epoch, step);
                        report(new StepStatus(step, run.TrainLoader.BatchesPerEpoch, accumulator.Samples, accumulator.MeanLoss, accumulator.Top1Percent));
                        if (StopRequested(stop) && step < run.TrainLoader.BatchesPerEpoch)
                        {
                            stopped = true;
                            break;
                        }
                    }
                }
            });
            accumulator.Seconds = alreadySeconds + epochClock.Elapsed.TotalSeconds;
            if (Distributed != null) accumulator = Distributed.CombineTraining(accumulator);
            if (stopped)
            {
                training = training.StoppedWithin(stepsDone, accumulator.ToState());
                Save(LatestPath, "latest", description, training, withOptimizer: true);
                worklog.Note($"stopped on request {stepsDone} steps into epoch {epoch}; resume with --resume");
                print($"stopped after step {stepsDone} of epoch {epoch}; latest checkpoint written to {LatestPath}");
                break;
            }

            var evaluation = Evaluator.Evaluate(run.Distiller.Student, run.TestLoader, run.Device, epoch);
            if (Distributed != null) evaluation = Distributed.Combine(evaluation);
            if (!double.IsFinite(evaluation.Loss))
                throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                    $"the test loss became {evaluation.Loss} after epoch {epoch}: the student's outputs are no longer finite; " +
                    $"training stopped and the last good checkpoint is kept ({(File.Exists(LatestPath) ? LatestPath : "none written yet")})"));
            (training, var improved) = training.AfterEpoch(epoch, evaluation.Top1);
            var seconds = accumulator.Seconds;
            var row = new EpochMetrics
            {
                Epoch = epoch, Lr = lr, TrainLoss = accumulator.MeanLoss, TrainTerms = accumulator.MeanTerms(),
                TrainTop1 = accumulator.Top1Percent, TrainTop5 = accumulator.Top5Percent, TestTop1 = evaluation.Top1,
                TestTop5 = evaluation.Top5, TestLoss = evaluation.Loss, BestTop1 = training.Best.Top1, EpochSeconds = seconds,
                ImagesPerSecond = accumulator.Samples / Math.Max(seconds, 1e-9),
            };
            metrics.Append(row);
            worklog.Epoch(row);
            if (tensorboard != null) WriteScalars(tensorboard, row);
            print(Summary(row));

            // "best" before "latest": once latest says an epoch is done, the best of the epochs up to
            // it is on disk, so a kill between the two writes can never lose it.
            if (improved) Save(BestPath, "best", description, training, withOptimizer: false);
            Save(LatestPath, "latest", description, training, withOptimizer: true);
            if (config.Log.SaveEvery > 0 && epoch % config.Log.SaveEvery == 0)
                Save(Path.Combine(checkpointDirectory, $"epoch_{epoch}.safetensors"), $"epoch_{epoch}", description, training, withOptimizer: false);
            // A stop requested during the epoch's last step: the epoch is complete and "latest" written.
            if (StopRequested(stop) && epoch < config.Solver.Epochs)
            {
                stopped = true;
                worklog.Note($"stopped on request after epoch {epoch}; resume with --resume");
                print($"stopped after epoch {epoch}; latest checkpoint written to {LatestPath}");
            }
        }
        if (!stopped) worklog.Finish(training.Best.Top1, training.LastTop1);
        Distributed?.Barrier();
        return new TrainingResult
        {
            RunDirectory = run.RunDirectory, EpochsCompleted = training.Epoch, BestTop1 = training.Best.Top1, BestEpoch = training.Best.Epoch,
            LastTop1 = training.LastTop1,
            Stopped = stopped, History = metrics.ReadAll(), Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Temporary files of atomic writes (checkpoints, metrics.csv, config.yaml) that a killed run left behind.</summary>
    private IEnumerable<string> OrphanedTemporaryFiles() =>
        new[] { checkpointDirectory, run.RunDirectory }
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.tmp"))
            .ToList();

    /// <summary>A stop request; in a data-parallel job, one agreed by all ranks (every rank calls this at the same points).</summary>
    private bool StopRequested(StopSignal? stop) =>
        Distributed?.AgreeOnStop(stop?.IsRequested == true) ?? stop?.IsRequested == true;

    private void Report(WorkLog worklog, string note)
    {
        worklog.Note(note);
        print(note);
    }

    private void TrainStep(Data.Batch batch, int epoch, int step, EpochAccumulator accumulator)
    {
        using var scope = new TensorScope();
        var views = batch.Views.Select(v => run.Device.Type == DeviceType.Cpu ? v : v.To(run.Device)).ToList();
        var labels = run.Device.Type == DeviceType.Cpu ? batch.Labels : batch.Labels.To(run.Device);
        var result = run.Distiller.TrainStep(views, labels, new TrainingProgress(epoch, config.Solver.Epochs));
        var total = result.Losses[0].Value;
        for (var i = 1; i < result.Losses.Count; i++) total = total + result.Losses[i].Value;
        var values = result.Losses.Select(l => new KeyValuePair<string, double>(l.Key, l.Value.ToDouble())).ToList();
        var totalValue = total.ToDouble();
        if (!double.IsFinite(totalValue))
            throw new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
                $"the loss became {totalValue} at epoch {epoch}, step {step} ({string.Join(", ", values.Select(v => $"{v.Key} = {v.Value}"))}); " +
                $"training stopped and the last good checkpoint is kept ({(File.Exists(LatestPath) ? LatestPath : "none written yet")})"));
        Optimizer.ZeroGrad();
        total.Backward();
        Distributed?.AverageGradients();
        Optimizer.Step();
        var correct = Accuracy.CorrectTopK(result.StudentLogits, labels, 1, 5);
        accumulator.Add(batch.Size, totalValue, values, correct[0], correct[1]);
    }

    /// <summary>What every checkpoint of this run says about the run itself (its training state is added per save).</summary>
    private CheckpointState Describe(string configYaml) => new CheckpointState
    {
        Kind = "", Epoch = 0, BestTop1 = 0, BestEpoch = 0, Seed = config.Experiment.Seed,
        Method = run.Distiller.Method, Student = config.Models.Student, NumClasses = run.NumClasses,
        InChannels = run.InChannels, Variant = run.Variant.ToString(), Teacher = run.Distiller.Teacher != null ? config.Models.Teacher : "",
        ConfigYaml = configYaml, LibTorchVersion = TorchRuntime.LibTorchVersion, SharpDistillVersion = CheckpointFile.Version,
    };

    /// <summary>Writes the student (and extra modules; for "latest" the optimizer) with <paramref name="training"/> as one checkpoint.</summary>
    private void Save(string path, string kind, CheckpointState description, TrainingState training, bool withOptimizer)
    {
        if (Writes) CheckpointFile.Save(path, description.With(kind, training), run.Distiller.Student, run.Distiller.ExtraModules,
            withOptimizer ? Optimizer : null);
    }

    /// <summary>Keys a resumed run may change: how long it trains and how it shows progress or loads data.</summary>
    private static readonly string[] ResumableChanges = ["solver.epochs", "log.progress", "dataset.num_workers"];

    /// <summary>
    /// A resumed run must be the same run: the same resolved config, key by key, except that the
    /// number of epochs may grow (to train longer) and the progress/loading settings may differ. A key
    /// that a checkpoint from an earlier version lacks (e.g. distributed.sync_batch_norm) counts as its default.
    /// </summary>
    private void CheckResumable(CheckpointState state, string configYaml)
    {
        var differences = ConfigDiff.Compare(state.ConfigYaml, configYaml, ResumableChanges,
            absentBefore: ConfigDiff.Flatten(ConfigWriter.ToYaml(new RunConfig()), "the default config"));
        if (differences.Count > 0)
            throw new CheckpointException(
                $"{LatestPath} was written with a different config than this run's ({differences.Count} key(s) differ: " +
                $"{string.Join("; ", differences)}); resume with the same config (only {string.Join(", ", ResumableChanges)} may change), " +
                "or start a new run with another experiment.name");
        if (state.Epoch >= config.Solver.Epochs && state.StepsIntoEpoch == 0)
            print($"the run already completed {state.Epoch} epochs (solver.epochs = {config.Solver.Epochs}); nothing to do");
    }

    private static void WriteScalars(TensorBoardWriter tensorboard, EpochMetrics row)
    {
        tensorboard.AddScalar("train/lr", row.Lr, row.Epoch);
        tensorboard.AddScalar("train/loss", row.TrainLoss, row.Epoch);
        tensorboard.AddScalar("train/top1", row.TrainTop1, row.Epoch);
        foreach (var (name, value) in row.TrainTerms) tensorboard.AddScalar($"train/{name}", value, row.Epoch);
        tensorboard.AddScalar("test/top1", row.TestTop1, row.Epoch);
        tensorboard.AddScalar("test/top5", row.TestTop5, row.Epoch);
        tensorboard.AddScalar("test/loss", row.TestLoss, row.Epoch);
    }

    private static string Summary(EpochMetrics r) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {r.Epoch,3}  lr {r.Lr:0.#####}  train loss {r.TrainLoss:0.0000} top-1 {r.TrainTop1,6:0.00}  test top-1 {r.TestTop1,6:0.00} top-5 {r.TestTop5,6:0.00} loss {r.TestLoss:0.0000}  best {r.BestTop1,6:0.00}  ({r.EpochSeconds:0.0} s, {r.ImagesPerSecond:0} img/s)");

    public void Dispose() => Optimizer.Dispose();
}
