using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>
/// What <c>sharpdistill bench</c> measures. The defaults are the CRLD CIFAR-100 headline pair
/// (resnet32x4 → resnet8x4) at the published batch size.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>Teacher model (a <see cref="Models.ModelZoo"/> name); ignored by the teacher-free "ce" method.</summary>
    public string Teacher { get; init; } = "resnet32x4";

    public string Student { get; init; } = "resnet8x4";

    /// <summary>Distillation method; see <see cref="Distillers.MethodRegistry.Names"/>.</summary>
    public string Method { get; init; } = "crld";

    public int BatchSize { get; init; } = 64;

    /// <summary>Side of the square input images (32 for CIFAR).</summary>
    public int ImageSize { get; init; } = 32;

    public int NumClasses { get; init; } = 100;

    /// <summary>Timed training steps.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Untimed steps first (JIT, allocator and oneDNN primitive caches warm up).</summary>
    public int WarmupSteps { get; init; } = 3;

    /// <summary>Timed repetitions of each teacher variant (batched and separate calls) in the comparison.</summary>
    public int TeacherComparisonRepetitions { get; init; } = 5;

    /// <summary>libtorch intra-op threads; null keeps the engine's current setting.</summary>
    public int? Threads { get; init; }

    /// <summary>Data-loader worker threads of the multi-worker pipeline measurement; null means one per core.</summary>
    public int? Workers { get; init; }

    /// <summary>Images the data-pipeline measurement pushes through each loader configuration.</summary>
    public int PipelineSamples { get; init; } = 2048;

    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Seed of the random inputs, labels and weights.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// Precision, memory format and teacher folding of the single-mode bench; by default a training
    /// run's (<see cref="Config.ComputeConfig"/>, the one home of those defaults).
    /// </summary>
    public Config.ComputeConfig Compute { get; init; } = new();

    /// <summary>Run every mode of <see cref="ComputeMode.All"/> (or those in <see cref="Modes"/>) side by side instead of one.</summary>
    public bool CompareModes { get; init; }

    /// <summary>The modes to compare by name (null: all); only with <see cref="CompareModes"/>.</summary>
    public IReadOnlyList<string>? Modes { get; init; }

    /// <summary>Rounds of the comparison: each round runs every mode for <see cref="Steps"/> timed steps, so modes alternate in time.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>The worker count actually used (the option, or the machine's logical cores).</summary>
    public int ResolvedWorkers => Workers ?? Environment.ProcessorCount;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that makes no sense.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok) throw new ArgumentException(message);
        }
        Require(!string.IsNullOrWhiteSpace(Student), "--student must name a model");
        var method = Distillers.MethodRegistry.Find(Method);
        Require(!method.NeedsTeacher || !string.IsNullOrWhiteSpace(Teacher), $"the {Method} method needs --teacher");
        Require(BatchSize >= 2, $"--batch-size must be at least 2 (batch-norm statistics in training mode need two samples), got {BatchSize}");
        Require(ImageSize >= 8, $"--image-size must be at least 8 pixels, got {ImageSize}");
        Require(NumClasses >= 2, $"the number of classes must be at least 2, got {NumClasses}");
        Require(Steps >= 1, $"--steps must be at least 1, got {Steps}");
        Require(WarmupSteps >= 0, $"--warmup-steps cannot be negative, got {WarmupSteps}");
        Require(TeacherComparisonRepetitions >= 1, $"--teacher-compare-reps must be at least 1, got {TeacherComparisonRepetitions}");
        Require(Threads is null or >= 1, $"--threads must be at least 1, got {Threads}");
        Require(Workers is null or >= 1, $"--workers must be at least 1, got {Workers}");
        Require(PipelineSamples >= 1, $"the pipeline sample count must be at least 1, got {PipelineSamples}");
        Require(Rounds >= 1, $"--rounds must be at least 1, got {Rounds}");
        if (Modes is not null) ComputeMode.Select(Modes);
    }
}
