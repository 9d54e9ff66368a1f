using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Optim;
using SharpDistill.Training;

namespace SharpDistill.Benchmarks;

/// <summary>
/// How far a mode's teacher is from the plain fp32 teacher on the bench's inputs: the largest
/// absolute logit difference, and how many entries of CRLD's confidence masks (weak view at τ_w,
/// strong view at τ_s) come out differently.
/// </summary>
/// <param name="MaskEntries">Mask entries compared (batch × views).</param>
/// <param name="MaskOnPlain">Entries the plain teacher's masks have on (if none or all are on, flips are unlikely to show).</param>
public sealed record ModeFidelity(double MaxAbsLogitDiff, double MaxAbsPlainLogit, int MaskEntries, int MaskOnPlain, int MaskFlips)
{
    public double MaskFlipShare => MaskEntries == 0 ? 0 : (double)MaskFlips / MaskEntries;
}

/// <summary>One mode's figures, its timings pooled over every round.</summary>
/// <param name="FoldedPairs">Batch norms folded into the teacher's convolutions (0 without folding).</param>
/// <param name="Fidelity">Null for the plain fp32 mode (the reference itself).</param>
public sealed record ModeResult(
    string Mode, Precision StudentPrecision, Precision TeacherPrecision, MemoryFormat MemoryFormat, bool FoldTeacher,
    TimingStats TeacherForward, TimingStats StudentForwardBackward, TimingStats OptimizerStep, TimingStats Step, double ImagesPerSecond,
    int FoldedPairs, ModeFidelity? Fidelity, IReadOnlyDictionary<string, double> FinalLosses);

/// <summary>What <c>sharpdistill bench --compare-modes</c> measured.</summary>
/// <param name="Bf16Support">What /proc/cpuinfo says about native bf16 (<see cref="CpuFeatures.Describe"/>).</param>
/// <param name="Rounds">Each round ran every mode for the settings' timed steps, modes alternating.</param>
public sealed record ModeComparisonReport(
    int SchemaVersion, DateTimeOffset Timestamp, MachineInfo Machine, EngineInfo Engine, BenchSettings Settings,
    string Bf16Support, bool NativeBf16, int Rounds, string TeacherNote, IReadOnlyList<ModeResult> Modes)
{
    public const int CurrentSchemaVersion = 1;
}

/// <summary>
/// Runs the compute modes (<see cref="ComputeMode.All"/>) side by side in one process: the same
/// teacher weights (with random batch-norm statistics, so folding is not the identity), the same
/// student initialisation and the same inputs for each; the modes alternate round by round, so a
/// change in the machine's load hits them all alike. The teacher runs separately on each view, as
/// the distillers call it.
/// </summary>
public static class ModeComparison
{
    private sealed class ModeRun : IDisposable
    {
        public required ComputeMode Mode { get; init; }
        public required Distiller Distiller { get; init; }
        public required ReplayTeacher Replay { get; init; }
        public required FrozenTeacher Teacher { get; init; }
        public required Optimizer Optimizer { get; init; }
        public PhaseSamples? Samples { get; set; }
        public IReadOnlyDictionary<string, double> FinalLosses { get; set; } = new Dictionary<string, double>();

        public void Dispose()
        {
            Optimizer.Dispose();
            Distiller.Dispose(); // the student and the replay (which owns nothing)
            Teacher.Dispose();
        }
    }

    public static ModeComparisonReport Run(BenchOptions options, Action<string>? log = null)
    {
        options.Validate();
        TorchRuntime.EnsureLoaded();
        if (!MethodRegistry.Find(options.Method).NeedsTeacher)
            throw new ArgumentException($"--compare-modes compares teacher forms too: use a method with a teacher, not {options.Method}");
        if (options.Device.Type != DeviceType.Cpu)
            throw new ArgumentException("--compare-modes measures CPU modes (bf16 autocast, channels-last on oneDNN): use --device cpu");
        var modes = options.Modes is null ? ComputeMode.All : ComputeMode.Select(options.Modes);
        var cpu = CpuFeatures.Current();
        var timestamp = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var previousThreads = TorchRuntime.Threads;
        if (options.Threads is { } threads) TorchRuntime.Threads = threads;
        var runs = new List<ModeRun>();
        try
        {
            var engine = new EngineInfo(TorchRuntime.LibTorchVersion, TorchRuntime.AbiVersion, TorchRuntime.Threads, options.Device.ToString(), false)
            { Allocator = TorchRuntime.Allocator.ToString() };
            var settings = new BenchSettings(options.Teacher, options.Student, options.Method, options.BatchSize, options.ImageSize,
                options.NumClasses, options.Steps, options.WarmupSteps, options.ResolvedWorkers, options.PipelineSamples,
                options.TeacherComparisonRepetitions, options.Seed);
            log?.Invoke($"CPU: {cpu.Describe()}");
            foreach (var mode in modes) runs.Add(Build(mode, options));

            using var inputs = new TensorScope();
            using var generator = new Generator(options.Seed);
            var views = Enumerable.Range(0, runs[0].Distiller.ViewCount)
                .Select(_ => Tensors.Randn(new long[] { options.BatchSize, 3, options.ImageSize, options.ImageSize }, generator))
                .ToArray();
            var labels = Tensors.RandInt(0, options.NumClasses, new long[] { options.BatchSize }, generator);

            var fidelity = Fidelity(runs, views, options);
            for (var round = 0; round < options.Rounds; round++)
                foreach (var run in runs)
                {
                    var warmup = round == 0 ? options.WarmupSteps : 1;
                    log?.Invoke($"round {round + 1}/{options.Rounds}: {run.Mode.Name}, {warmup} warm-up and {options.Steps} timed steps");
                    var result = TrainingStepBenchmark.Run(run.Distiller, run.Replay, run.Optimizer, views, labels,
                        TeacherForwardMode.Separate, warmup, options.Steps);
                    run.Samples = run.Samples is null ? result.Samples : run.Samples.Concat(result.Samples!);
                    run.FinalLosses = result.FinalLosses;
                }

            var results = runs.Select(run =>
            {
                var s = run.Samples!;
                var step = TimingStats.Of(s.Step);
                return new ModeResult(run.Mode.Name, run.Mode.StudentPrecision, run.Mode.TeacherPrecision, run.Mode.MemoryFormat,
                    run.Mode.FoldTeacher, TimingStats.Of(s.Teacher), TimingStats.Of(s.Student), TimingStats.Of(s.Optimizer), step,
                    options.BatchSize * 1000.0 / step.MeanMs, run.Teacher.FoldedPairs, fidelity.GetValueOrDefault(run.Mode.Name), run.FinalLosses);
            }).ToArray();
            return new ModeComparisonReport(ModeComparisonReport.CurrentSchemaVersion, timestamp,
                machine with { LoadAverageEnd = MachineInfo.LoadAverage() }, engine, settings, cpu.Describe(), cpu.NativeBf16, options.Rounds,
                "random weights with random batch-norm statistics; separate calls per view", results);
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
            TorchRuntime.Threads = previousThreads;
        }
    }

    /// <summary>The bench teacher before any inference form: seeded weights, batch-norm statistics drawn at random.</summary>
    public static ZooModel CreateTeacher(BenchOptions options)
    {
        TorchRuntime.ManualSeed(options.Seed);
        var teacher = Benchmark.CreateModel(options.Teacher, options);
        RandomiseBatchNorm(teacher, options.Seed);
        return teacher;
    }

    /// <summary>
    /// Gives every batch norm running statistics and affine parameters as a trained network might
    /// have them (fresh ones are the identity in eval mode, which would make folding look exact for free).
    /// </summary>
    public static void RandomiseBatchNorm(Module model, ulong seed)
    {
        using var generator = new Generator(seed + 101);
        using var noGrad = Autograd.NoGrad();
        using var scope = new TensorScope();
        foreach (var norm in model.NamedModules().Select(m => m.Value).OfType<BatchNorm2d>())
        {
            var n = norm.NumFeatures;
            norm.RunningMean.Copy_(Tensors.Randn([n], generator) * 0.1);
            norm.RunningVar.Copy_(Tensors.Rand([n], generator) * 0.5 + 0.75);
            norm.Weight?.Copy_(Tensors.Randn([n], generator) * 0.1 + 1.0);
            norm.Bias?.Copy_(Tensors.Randn([n], generator) * 0.1);
        }
    }

    private static ModeRun Build(ComputeMode mode, BenchOptions options)
    {
        ZooModel? teacher = CreateTeacher(options);
        TorchRuntime.ManualSeed(options.Seed + 1);
        ZooModel? student = null;
        ReplayTeacher? replay = null;
        try
        {
            student = Benchmark.CreateModel(options.Student, options);
            // Timing only: a mode that would train inaccurately on this CPU is still measured (the CPU line says why).
            RunFactory.ApplyCompute(mode.ToConfig(), options.Device, student, ref teacher, timingOnly: true);
            var frozen = (FrozenTeacher)teacher!;
            replay = new ReplayTeacher(frozen);
            var distiller = Benchmark.MethodConfig(options.Method).CreateDistiller(student, replay,
                model => MethodRegistry.PooledFeatureWidth(model is ReplayTeacher r ? r.Source : model));
            var solver = new Config.SolverConfig();
            var optimizer = new Sgd(distiller.TrainableParameters(),
                new SgdOptions { LearningRate = solver.Lr, Momentum = solver.Momentum, WeightDecay = solver.WeightDecay });
            return new ModeRun { Mode = mode, Distiller = distiller, Replay = replay, Teacher = frozen, Optimizer = optimizer };
        }
        catch
        {
            student?.Dispose();
            teacher?.Dispose();
            throw;
        }
    }

    /// <summary>Each non-plain mode's teacher against the plain fp32 teacher, on the bench's views.</summary>
    private static Dictionary<string, ModeFidelity> Fidelity(IReadOnlyList<ModeRun> runs, IReadOnlyList<Tensor> views, BenchOptions options)
    {
        var result = new Dictionary<string, ModeFidelity>();
        using var scope = new TensorScope();
        using var inference = Autograd.InferenceMode();
        using var plain = FrozenTeacher.Prepare(CreateTeacher(options), TeacherForm.Plain);
        var crld = new CrldSettings();
        var taus = views.Select((_, i) => i == 0 ? crld.TauW : crld.TauS).ToArray();
        var plainLogits = views.Select(v => plain.ForwardLogits(v)).ToArray();
        var plainMasks = plainLogits.Select((l, i) => CrldLoss.ConfidenceMask(l, taus[i], DType.Float32)).ToArray();
        var maxPlain = plainLogits.Max(l => l.Abs().Max().ToDouble());
        var entries = plainMasks.Sum(m => (int)m.NumEl);
        var on = plainMasks.Sum(m => (int)m.Sum().ToDouble());
        foreach (var run in runs.Where(r => !r.Mode.IsPlain))
        {
            double maxDiff = 0;
            var flips = 0;
            for (var v = 0; v < views.Count; v++)
            {
                var logits = run.Teacher.ForwardLogits(views[v]);
                maxDiff = Math.Max(maxDiff, (logits - plainLogits[v]).Abs().Max().ToDouble());
                var mask = CrldLoss.ConfidenceMask(logits, taus[v], DType.Float32);
                flips += (int)mask.Ne(plainMasks[v]).Sum().ToDouble();
            }
            result[run.Mode.Name] = new ModeFidelity(maxDiff, maxPlain, entries, on, flips);
        }
        return result;
    }
}
