using System.Text.Json.Serialization;

namespace SharpDistill.Benchmarks;

/// <summary>The engine the figures were measured with.</summary>
/// <param name="IntraOpThreads">libtorch's intra-op thread count during the bench.</param>
public sealed record EngineInfo([property: JsonPropertyName("libtorch_version")] string LibTorchVersion, int AbiVersion, int IntraOpThreads, string Device, bool CudaAvailable)
{
    /// <summary>The memory-allocator policy the engine loaded with (see AllocatorPolicy).</summary>
    public string Allocator { get; init; } = "";
}

/// <summary>The resolved bench settings (every default filled in).</summary>
/// <param name="Teacher">Null for the teacher-free "ce" method.</param>
/// <param name="Workers">Worker threads of the multi-worker pipeline measurement.</param>
public sealed record BenchSettings(
    string? Teacher, string Student, string Method, int BatchSize, int ImageSize, int NumClasses,
    int Steps, int WarmupSteps, int Workers, int PipelineSamples, int TeacherComparisonRepetitions, ulong Seed);

/// <summary>
/// Resident memory in MiB. The peaks are VmHWM, reset at the start of each phase where the kernel
/// allows it (<see cref="PeakResetSupported"/>); otherwise both phase peaks are the process's peak so far.
/// </summary>
public sealed record MemoryResult(
    double? RssStartMib, double? RssEndMib, double? PeakTrainingMib, double? PeakPipelineMib, double? PeakProcessMib, bool PeakResetSupported);

/// <summary>Native tensor handles alive before the bench built anything and after it disposed everything.</summary>
public sealed record LiveTensorResult(long Baseline, long After)
{
    /// <summary>Handles the bench left behind (0 when it cleans up after itself).</summary>
    public long Leaked => After - Baseline;

    public bool BackToBaseline => After == Baseline;
}

/// <summary>
/// Everything one <c>sharpdistill bench</c> run measured; written as JSON (snake_case keys) so that
/// two builds can be compared. Bump <see cref="CurrentSchemaVersion"/> when a field changes meaning
/// or disappears.
/// </summary>
/// <param name="Timestamp">When the bench started (UTC).</param>
/// <param name="TeacherBatching">The batched-vs-separate teacher comparison; null where it does not apply (one view, no teacher, or features needed).</param>
/// <param name="TeacherModeReason">Why the training steps ran the teacher the way they did.</param>
public sealed record BenchReport(
    int SchemaVersion,
    DateTimeOffset Timestamp,
    MachineInfo Machine,
    EngineInfo Engine,
    BenchSettings Settings,
    TrainingResult Training,
    TeacherBatchingResult? TeacherBatching,
    string TeacherModeReason,
    PipelineResult Pipeline,
    MemoryResult Memory,
    LiveTensorResult LiveTensors)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>The compute mode the steps ran in (compute.* settings, e.g. "fp32+fold+cl").</summary>
    public string ComputeMode { get; init; } = "";

    /// <summary>What /proc/cpuinfo says about native bf16 support.</summary>
    public string Bf16Support { get; init; } = "";
}
