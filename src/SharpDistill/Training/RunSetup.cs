using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Distillers;
using SharpDistill.Torch;

namespace SharpDistill.Training;

/// <summary>Everything a run needs, built from its config by <see cref="RunFactory"/> or from your own parts by <see cref="RunParts.CreateRun"/>; disposing it disposes the networks.</summary>
public sealed class RunSetup : IDisposable
{
    /// <summary>The resolved configuration (method, solver, experiment, log).</summary>
    public required RunConfig Config { get; init; }
    /// <summary>The method's distiller: the student, the frozen teacher and any extra trainable modules.</summary>
    public required Distiller Distiller { get; init; }
    /// <summary>Shuffled, augmented training batches (as many views as the method needs).</summary>
    public required DataLoader TrainLoader { get; init; }
    /// <summary>The clean test set in order, evaluated after every epoch.</summary>
    public required DataLoader TestLoader { get; init; }
    /// <summary>Where the networks run (experiment.device).</summary>
    public required Device Device { get; init; }
    /// <summary>output_dir/name.</summary>
    public required string RunDirectory { get; init; }
    /// <summary>How the teacher's weights were loaded (empty without a teacher).</summary>
    public string TeacherSource { get; init; } = "";
    /// <summary>Classes of the dataset (recorded in checkpoints).</summary>
    public required int NumClasses { get; init; }
    /// <summary>Image channels of the dataset (recorded in checkpoints).</summary>
    public required int InChannels { get; init; }
    /// <summary>The student's pooling variant (recorded in checkpoints).</summary>
    public required Models.ModelVariant Variant { get; init; }

    public void Dispose() => Distiller.Dispose();
}
