using SharpDistill.Config;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.Optim;
using SharpDistill.Training;

namespace SharpDistill.Benchmarks;

/// <summary>
/// <c>sharpdistill bench</c>: training-step throughput of a distillation method (split into
/// teacher forward, student forward + backward and optimizer step), the data pipeline's
/// throughput, peak memory, and the live-tensor count before and after.
/// </summary>
public static class Benchmark
{
    public static BenchReport Run(BenchOptions options, Action<string>? log = null)
    {
        options.Validate();
        TorchRuntime.EnsureLoaded();
        var cudaAvailable = TorchRuntime.CudaIsAvailable;
        if (options.Device.Type == DeviceType.Cuda && !cudaAvailable)
            throw new ArgumentException(
                $"device {options.Device}: CUDA is not available in this libtorch ({TorchRuntime.LibTorchVersion}); " +
                "use --device cpu, or build against a CUDA libtorch (Torch_DIR)");
        var timestamp = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var previousThreads = TorchRuntime.Threads;
        if (options.Threads is { } threads) TorchRuntime.Threads = threads;
        try
        {
            var engine = new EngineInfo(TorchRuntime.LibTorchVersion, TorchRuntime.AbiVersion, TorchRuntime.Threads, options.Device.ToString(), cudaAvailable) { Allocator = TorchRuntime.Allocator.ToString() };
            var settings = new BenchSettings(
                MethodRegistry.Find(options.Method).NeedsTeacher ? options.Teacher : null, options.Student, options.Method,
                options.BatchSize, options.ImageSize, options.NumClasses, options.Steps, options.WarmupSteps,
                options.ResolvedWorkers, options.PipelineSamples, options.TeacherComparisonRepetitions, options.Seed);

            // Handles of earlier garbage are freed by finalizers at unpredictable times; let that
            // happen now, so that the baseline is not lowered behind the bench's back.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var baseline = TorchRuntime.LiveTensorCount;
            var rssStart = ProcessMemory.ResidentMib();
            var peakBefore = ProcessMemory.PeakResidentMib();

            var peakReset = ProcessMemory.TryResetPeak();
            var (training, batching, reason) = RunTraining(options, log);
            var peakTraining = ProcessMemory.PeakResidentMib();

            if (peakReset) ProcessMemory.TryResetPeak();
            log?.Invoke($"data pipeline: {options.PipelineSamples} images with 1 worker, then {options.ResolvedWorkers} workers");
            var pipeline = PipelineBenchmark.Run(options.PipelineSamples, options.ImageSize, options.BatchSize, options.ResolvedWorkers, options.Seed);
            var peakPipeline = ProcessMemory.PeakResidentMib();

            var after = TorchRuntime.LiveTensorCount;
            var peaks = new[] { peakBefore, peakTraining, peakPipeline }.Where(p => p.HasValue).Select(p => p!.Value).ToArray();
            var memory = new MemoryResult(rssStart, ProcessMemory.ResidentMib(), peakTraining, peakPipeline,
                peaks.Length > 0 ? peaks.Max() : null, peakReset);
            return new BenchReport(BenchReport.CurrentSchemaVersion, timestamp, machine with { LoadAverageEnd = MachineInfo.LoadAverage() },
                engine, settings, training, batching, reason, pipeline, memory, new LiveTensorResult(baseline, after))
            {
                ComputeMode = ComputeMode.Of(options.Compute).Name, Bf16Support = CpuFeatures.Current().Describe(),
            };
        }
        finally
        {
            TorchRuntime.Threads = previousThreads;
        }
    }

    private static (TrainingResult Training, TeacherBatchingResult? Batching, string Reason) RunTraining(BenchOptions options, Action<string>? log)
    {
        TorchRuntime.ManualSeed(options.Seed);
        var device = options.Device;
        var hasTeacher = MethodRegistry.Find(options.Method).NeedsTeacher;
        ZooModel? teacher = hasTeacher ? CreateModel(options.Teacher, options) : null;
        using var ownedTeacher = new TeacherOwner();
        ReplayTeacher? replay = null;
        ZooModel? student = null;
        Distiller distiller;
        try
        {
            student = CreateModel(options.Student, options);
            student.To(device);
            teacher?.To(device);
            // Prepared exactly as a training run prepares them (compute.*): the teacher frozen in its
            // inference form, the student laid out and maybe under autocast.
            RunFactory.ApplyCompute(options.Compute, device, student, ref teacher, timingOnly: true);
            ownedTeacher.Model = teacher;
            if (teacher != null) replay = new ReplayTeacher(teacher);
            // Built as a training run builds it, so the bench times exactly the loss training computes.
            distiller = MethodConfig(options.Method).CreateDistiller(student, replay,
                model => MethodRegistry.PooledFeatureWidth(model is ReplayTeacher r ? r.Source : model));
        }
        catch
        {
            student?.Dispose();
            replay?.Dispose();
            if (ownedTeacher.Model is null) teacher?.Dispose();
            throw;
        }

        using (distiller)
        using (var inputs = new TensorScope())
        using (var generator = new Generator(options.Seed))
        {
            foreach (var (_, module) in distiller.ExtraModules) module.To(device);
            // The data is made once and stays in memory: the steps time the models, not the loader.
            var views = Enumerable.Range(0, distiller.ViewCount)
                .Select(_ => Tensors.Randn(new long[] { options.BatchSize, 3, options.ImageSize, options.ImageSize }, generator).To(device))
                .ToArray();
            var labels = Tensors.RandInt(0, options.NumClasses, new long[] { options.BatchSize }, generator).To(device);

            TeacherBatchingResult? batching = null;
            string reason;
            if (teacher is null)
                reason = $"{options.Method} uses no teacher";
            else if (views.Length < 2)
                reason = $"separate: {options.Method} uses one view, so there is nothing to batch";
            else if (distiller.ReadsTeacherFeatures)
                reason = $"separate: {options.Method} reads the teacher's features, which are only split per view for separate calls";
            else
            {
                log?.Invoke($"teacher: comparing one batched call of {views.Length}x{options.BatchSize} images with {views.Length} separate calls");
                batching = TeacherBatchingCheck.Run(teacher, views, options.TeacherComparisonRepetitions);
                // The timed steps call the teacher as training does, once per view, whatever the
                // comparison finds: a figure for a step that training never runs would mislead.
                reason = batching.Identical
                    ? "separate, as in training (a batched call would give bitwise identical logits on this build)"
                    : $"separate, as in training (a batched call's logits differ by up to {batching.MaxAbsDiff:G3} on this build)";
            }
            const TeacherForwardMode mode = TeacherForwardMode.Separate;

            var solver = new SolverConfig();
            using var optimizer = new Sgd(distiller.TrainableParameters(),
                new SgdOptions { LearningRate = solver.Lr, Momentum = solver.Momentum, WeightDecay = solver.WeightDecay });
            log?.Invoke($"training: {options.WarmupSteps} warm-up and {options.Steps} timed steps of {options.Method}, " +
                        $"{options.Teacher} -> {options.Student}, batch {options.BatchSize}, teacher {mode.ToString().ToLowerInvariant()}");
            var training = TrainingStepBenchmark.Run(distiller, replay, optimizer, views, labels, mode, options.WarmupSteps, options.Steps);
            return (training, batching, reason);
        }
    }

    /// <summary>Disposes the bench's teacher (the distiller holds only its replay).</summary>
    private sealed class TeacherOwner : IDisposable
    {
        public ZooModel? Model { get; set; }

        public void Dispose() => Model?.Dispose();
    }

    /// <summary>The distiller config the bench runs <paramref name="method"/> with: a training run's, nothing overridden.</summary>
    public static DistillerConfig MethodConfig(string method) => new() { Method = method };

    /// <summary>
    /// A zoo model for square inputs of the bench's size: the reference (fixed-pooling) definition at
    /// its native resolution, the global-pooling variant at any other (CIFAR family only).
    /// </summary>
    internal static ZooModel CreateModel(string name, BenchOptions options)
    {
        var family = ModelZoo.Describe(name).Family;
        var native = family == ModelFamily.ImageNet ? 224 : 32;
        var variant = options.ImageSize == native ? ModelVariant.Standard : ModelVariant.TinyImageNet;
        return ModelZoo.Create(name, new ModelOptions(options.NumClasses, 3, variant));
    }
}
