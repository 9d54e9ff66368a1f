using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using SharpDistill.Models;

namespace SharpDistill.Training;

/// <summary>
/// The parts of a run that code supplies instead of naming them in a config: your own student
/// (and teacher), your own datasets, and how their images are augmented and normalised. The rest
/// of the run — method and its settings, solver, seed, output folder, logging — still comes from a
/// <see cref="RunConfig"/>; <see cref="CreateRun"/> puts the two together for the same
/// <see cref="Trainer"/> the command line uses (docs/library.md).
/// </summary>
/// <example>
/// <code>
/// var config = new RunConfig();
/// config.Distiller.Method = "kd";
/// config.Solver.Epochs = 10;
/// using var run = new RunParts { Student = student, Teacher = teacher, Train = train, Test = test, Normalize = norm }.CreateRun(config);
/// using var trainer = new Trainer(run, Console.WriteLine);
/// var result = trainer.Run();
/// </code>
/// </example>
public sealed record RunParts
{
    /// <summary>The network being trained. The run owns it from <see cref="CreateRun"/> on (disposing the run disposes it).</summary>
    public required ZooModel Student { get; init; }

    /// <summary>The frozen teacher with its weights already loaded; required by every method except "ce" (which ignores it). The run owns it when the method uses it.</summary>
    public ZooModel? Teacher { get; init; }

    /// <summary>The training samples (an <see cref="InMemoryDataset"/>, an <see cref="ImageFolderDataset"/>, or your own <see cref="IDataset"/>).</summary>
    public required IDataset Train { get; init; }

    /// <summary>The samples evaluated after every epoch; same classes as <see cref="Train"/>.</summary>
    public required IDataset Test { get; init; }

    /// <summary>Per-channel normalisation applied after the pixels are scaled to [0, 1]; null: none.</summary>
    public Normalize? Normalize { get; init; }

    /// <summary>
    /// The training augmentations: the weak view (every method) and the strong view (two-view
    /// methods such as CRLD). Null: for square images of one size s, a random crop with s/8 pixels of
    /// padding plus a horizontal flip, and RandAugment for the strong view (the CIFAR recipe scaled
    /// to s); other datasets must say.
    /// </summary>
    public ViewPair? Views { get; init; }

    /// <summary>8-bit steps applied to test images before normalisation (e.g. a resize and centre crop); empty: none.</summary>
    public IReadOnlyList<IImageTransform> EvalSteps { get; init; } = [];

    /// <summary>How the teacher's weights were obtained, for the run's log (e.g. a checkpoint path).</summary>
    public string TeacherSource { get; init; } = "";

    /// <summary>
    /// A run of these parts under <paramref name="config"/>'s method, solver, experiment and log
    /// settings (its dataset and models sections are not used; the models' names are recorded in
    /// <c>config.Models</c> so checkpoints and logs name them). Seed libtorch with
    /// <see cref="Torch.TorchRuntime.ManualSeed"/> before building the models for reproducible weights.
    /// </summary>
    /// <exception cref="ArgumentException">The parts do not fit together (classes, channels, a teacher missing or not needed).</exception>
    public RunSetup CreateRun(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var device = RunFactory.ParseDevice(config.Experiment.Device);
        Check(config);
        config.Models.Student = Student.Name;
        config.Models.Teacher = Teacher?.Name ?? "";
        Student.To(device);
        Teacher?.To(device);
        var distiller = config.Distiller.CreateDistiller(Student, config.Distiller.Descriptor.NeedsTeacher ? Teacher : null);
        foreach (var (_, module) in distiller.ExtraModules) module.To(device);
        var views = Views ?? DefaultViews();
        ISampleTransform trainTransform = distiller.ViewCount == 1
            ? new ImagePipeline(Normalize, views.Weak)
            : new MultiViewTransform(new ImagePipeline(Normalize, views.Weak), new ImagePipeline(Normalize, views.Strong));
        var workers = config.Dataset.NumWorkers > 0 ? config.Dataset.NumWorkers : Environment.ProcessorCount;
        var seed = (ulong)config.Experiment.Seed;
        return new RunSetup
        {
            Config = config, Distiller = distiller, Device = device, RunDirectory = RunFactory.RunDirectory(config),
            TrainLoader = new DataLoader(Train, trainTransform, new DataLoaderOptions
            {
                BatchSize = config.Solver.BatchSize, Shuffle = true, DropLast = config.Solver.DropLast, Seed = seed, Workers = workers,
            }),
            TestLoader = new DataLoader(Test, new ImagePipeline(EvalSteps, Normalize), new DataLoaderOptions
            {
                BatchSize = config.Dataset.TestBatchSize, Shuffle = false, Seed = seed, Workers = workers,
            }),
            TeacherSource = TeacherSource, NumClasses = Train.NumClasses, InChannels = Train.Geometry.Channels, Variant = Student.Variant,
        };
    }

    private void Check(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(Student);
        ArgumentNullException.ThrowIfNull(Train);
        ArgumentNullException.ThrowIfNull(Test);
        if (Train.NumClasses != Test.NumClasses)
            throw new ArgumentException($"{Train.Name} has {Train.NumClasses} classes but {Test.Name} has {Test.NumClasses}");
        if (Student.NumClasses != Train.NumClasses)
            throw new ArgumentException($"student {Student.Name} has {Student.NumClasses} outputs but {Train.Name} has {Train.NumClasses} classes");
        if (Student.InChannels != Train.Geometry.Channels)
            throw new ArgumentException($"student {Student.Name} takes {Student.InChannels}-channel input but {Train.Name} images have {Train.Geometry.Channels}");
        var descriptor = config.Distiller.Descriptor;
        if (descriptor.NeedsTeacher && Teacher is null)
            throw new ArgumentException($"the {descriptor.Name} method needs a teacher: set RunParts.Teacher");
        if (Teacher is not null && (Teacher.NumClasses != Student.NumClasses || Teacher.InChannels != Student.InChannels))
            throw new ArgumentException(
                $"teacher {Teacher.Name} ({Teacher.InChannels} channels, {Teacher.NumClasses} classes) does not match student {Student.Name} " +
                $"({Student.InChannels} channels, {Student.NumClasses} classes)");
        if (Views is null && !(Train.Geometry.IsFixedSize && Train.Geometry.Width == Train.Geometry.Height))
            throw new ArgumentException($"{Train.Name} images are {Train.Geometry}: set RunParts.Views (the default augmentations need square images of one size)");
    }

    private ViewPair DefaultViews()
    {
        var size = Train.Geometry.Width!.Value;
        return ViewPipelines.Padded(size, Math.Max(1, size / 8));
    }
}
