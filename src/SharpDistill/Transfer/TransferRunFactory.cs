using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Transfer;

/// <summary>
/// Builds the run of a linear probe (docs/transfer.md) from its resolved config, as
/// <see cref="RunFactory"/> does for training: the student from transfer.checkpoint, frozen, with a
/// new classifier for the probe dataset; loaders that resize every image to transfer.image_size
/// (training adds RandomCrop with 4 pixels of padding and a horizontal flip) and normalise with the
/// probe dataset's statistics. The result runs in the ordinary <see cref="Trainer"/>.
/// </summary>
public static class TransferRunFactory
{
    /// <summary>
    /// The protocol's solver recipe, applied under the user's YAML and --set (so each stays overridable):
    /// SGD lr 0.05, momentum 0.9, weight decay 5e-4, batch 64, 120 epochs, LR ×0.1 after epochs 30, 60, 90.
    /// Teacher-free (distiller.method ce): the probe has no teacher.
    /// </summary>
    public const string ProtocolYaml = """
        distiller:
          method: ce
        solver:
          optimizer: sgd
          lr: 0.05
          momentum: 0.9
          nesterov: false
          weight_decay: 0.0005
          batch_size: 64
          epochs: 120
          schedule: step
          lr_decay_stages: [30, 60, 90]
          lr_decay_rate: 0.1
          warmup_epochs: 0
        """;

    public static RunSetup Create(RunConfig config)
    {
        var device = RunFactory.ParseDevice(config.Experiment.Device);
        TorchRuntime.ManualSeed((ulong)config.Experiment.Seed);
        var checkpoint = config.Transfer.Checkpoint;
        var state = ReadStudentState(checkpoint);

        var train = RunFactory.OpenSplit(config, train: true);
        var test = RunFactory.OpenSplit(config, train: false);
        if (train.NumClasses != test.NumClasses)
            throw new DatasetException($"{train.Name} has {train.NumClasses} classes but {test.Name} has {test.NumClasses}");
        if (train.Geometry.Channels != state.InChannels)
            throw new ConfigException(
                $"the student in {checkpoint} takes {state.InChannels}-channel images but {train.Name} has {train.Geometry.Channels}-channel images; " +
                "probe it on a dataset with the channels it was trained on");

        var backbone = CreateStudent(checkpoint, state);
        ProbeModel probe;
        try
        {
            CheckImageSize(backbone, config.Transfer.ImageSize);
            CheckpointFile.Load(checkpoint, backbone);
            var width = MethodRegistry.PooledFeatureWidth(backbone);
            probe = new ProbeModel(backbone, train.NumClasses, width, config.Transfer.BatchNorm);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
        var distiller = new LinearProbe(probe);
        try
        {
            probe.To(device);
            var size = config.Transfer.ImageSize;
            var normalize = NormalizeFor(config.Dataset.Name);
            var workers = RunFactory.Workers(config);
            var trainLoader = new DataLoader(train,
                new ImagePipeline(normalize, Resize.To(size, size), new RandomCrop(size, 4), new RandomHorizontalFlip()),
                new DataLoaderOptions
                {
                    BatchSize = config.Solver.BatchSize, Shuffle = true, DropLast = config.Solver.DropLast,
                    Seed = (ulong)config.Experiment.Seed, Workers = workers,
                });
            var testLoader = new DataLoader(test, new ImagePipeline(normalize, Resize.To(size, size)), new DataLoaderOptions
            {
                BatchSize = config.Dataset.TestBatchSize, Shuffle = false, Seed = (ulong)config.Experiment.Seed, Workers = workers,
            });
            return new RunSetup
            {
                Config = config, Distiller = distiller, TrainLoader = trainLoader, TestLoader = testLoader, Device = device,
                RunDirectory = RunDirectory(config), TeacherSource = "", NumClasses = train.NumClasses,
                InChannels = train.Geometry.Channels, Variant = backbone.Variant,
            };
        }
        catch
        {
            distiller.Dispose();
            throw;
        }
    }

    /// <summary>The checkpoint's own description; anything but a SharpDistill checkpoint is refused by name.</summary>
    public static CheckpointState ReadStudentState(string checkpoint)
    {
        if (string.IsNullOrWhiteSpace(checkpoint))
            throw new ConfigException("transfer.checkpoint is empty: name the student checkpoint to probe (`sharpdistill transfer CHECKPOINT`)");
        if (!File.Exists(checkpoint)) throw new CheckpointException($"student checkpoint not found: {checkpoint}");
        if (!checkpoint.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new CheckpointException(
                $"{checkpoint} is not a SharpDistill checkpoint (.safetensors written by train or distill); the probe reads the student's model and weights from one");
        return CheckpointFile.ReadState(checkpoint);
    }

    /// <summary>A new, untrained model of the checkpoint's student architecture; an unknown model is refused naming it.</summary>
    public static ZooModel CreateStudent(string checkpoint, CheckpointState state)
    {
        if (!Enum.TryParse<ModelVariant>(state.Variant, ignoreCase: false, out var variant) || !Enum.IsDefined(variant))
            throw new CheckpointException($"{checkpoint} records model variant '{state.Variant}', which this build does not know " +
                                          $"(known: {string.Join(", ", Enum.GetNames<ModelVariant>())})");
        try
        {
            return ModelZoo.Create(state.Student, new ModelOptions(state.NumClasses, state.InChannels, variant));
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{checkpoint} holds a student of model '{state.Student}', which this build cannot make: {e.Message}", e);
        }
    }

    /// <summary>A model of the standard variant pools a fixed final map, so it only takes its native input size.</summary>
    private static void CheckImageSize(ZooModel model, int size)
    {
        if (model.Variant == ModelVariant.Standard && size != model.NativeInputSize)
            throw new ConfigException(
                $"transfer.image_size is {size}, but the student {model.Name} ({model.Variant} variant) is defined for " +
                $"{model.NativeInputSize}x{model.NativeInputSize} inputs; set transfer.image_size={model.NativeInputSize}");
    }

    /// <summary>
    /// The probe dataset's normalisation: the transfer scripts' statistics for STL-10 and Tiny-ImageNet,
    /// the training statistics for every other dataset.
    /// </summary>
    public static Normalize NormalizeFor(DatasetName name) => name switch
    {
        DatasetName.TinyImagenet => Normalize.TinyImageNetTransfer,
        _ => DatasetCatalog.DefaultNormalize(RunFactory.CatalogName(name)),
    };

    /// <summary>
    /// output_dir/name; without a name: transfer-bn_MODE-DATASET-SOURCE, SOURCE being the probed
    /// checkpoint's run directory (or file name), so probes of different students do not collide.
    /// </summary>
    public static string RunDirectory(RunConfig config)
    {
        var name = config.Experiment.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            var mode = ConfigNames.ToKey(config.Transfer.BatchNorm.ToString());
            var dataset = ConfigNames.ToKey(config.Dataset.Name.ToString());
            name = $"transfer-bn_{mode}-{dataset}-{SourceName(config.Transfer.Checkpoint)}";
        }
        return Path.Combine(config.Experiment.OutputDir, name);
    }

    private static string SourceName(string checkpoint)
    {
        var full = Path.GetFullPath(checkpoint);
        var folder = Path.GetDirectoryName(full);
        var source = folder != null && Path.GetFileName(folder) == "checkpoints"
            ? Path.GetFileName(Path.GetDirectoryName(folder)) + "-" + Path.GetFileNameWithoutExtension(full)
            : Path.GetFileNameWithoutExtension(full);
        return string.IsNullOrEmpty(source) ? "student" : source;
    }
}
