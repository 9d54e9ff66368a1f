using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Distillers;
using SharpDistill.Torch;

namespace SharpDistill.Training;

/// <summary>Everything a run needs, built from its config by <see cref="RunFactory"/>.</summary>
public sealed class RunSetup : IDisposable
{
    public required RunConfig Config { get; init; }
    public required Distiller Distiller { get; init; }
    public required DataLoader TrainLoader { get; init; }
    public required DataLoader TestLoader { get; init; }
    public required Device Device { get; init; }
    /// <summary>output_dir/name.</summary>
    public required string RunDirectory { get; init; }
    /// <summary>How the teacher's weights were loaded (empty without a teacher).</summary>
    public string TeacherSource { get; init; } = "";
    public required int NumClasses { get; init; }
    public required int InChannels { get; init; }
    public required Models.ModelVariant Variant { get; init; }

    public void Dispose() => Distiller.Dispose();
}
