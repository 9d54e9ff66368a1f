using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Data.Transforms;
using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Training;

/// <summary>
/// Builds a run from its resolved config: datasets and loaders (with as many augmented views as the
/// method needs), the student, the teacher with its weights, the distiller, the device.
/// </summary>
public static class RunFactory
{
    /// <param name="config">The resolved config.</param>
    /// <param name="distributed">
    /// In a data-parallel job, this rank's place: solver.batch_size stays the global batch and each
    /// rank loads batch_size / world_size samples of its own shard (docs/distributed.md).
    /// </param>
    public static RunSetup Create(RunConfig config, Distributed.DistributedContext? distributed = null)
    {
        var batchSize = Distributed.DistributedBatch.PerRank(config.Solver.BatchSize, distributed);
        var device = ParseDevice(config.Experiment.Device);
        if (distributed != null) device = distributed.DeviceFor(device);
        // Seeds libtorch's generator before any model exists, so initial weights are reproducible.
        TorchRuntime.ManualSeed((ulong)config.Experiment.Seed);

        var catalogName = CatalogName(config.Dataset.Name);
        var train = OpenSplit(config, train: true);
        var test = OpenSplit(config, train: false);
        if (train.NumClasses != test.NumClasses)
            throw new DatasetException($"{train.Name} has {train.NumClasses} classes but {test.Name} has {test.NumClasses}");

        var variant = VariantFor(config.Dataset.Name);
        var options = new ModelOptions(train.NumClasses, train.Geometry.Channels, variant);
        var student = ModelZoo.Create(config.Models.Student, options);
        ZooModel? teacher = null;
        var teacherSource = "";
        try
        {
            if (config.Distiller.Descriptor.NeedsTeacher)
            {
                if (string.IsNullOrWhiteSpace(config.Models.Teacher))
                    throw new ConfigException($"method '{config.Distiller.Method}' needs a teacher: set models.teacher (a zoo name)");
                if (string.IsNullOrWhiteSpace(config.Models.TeacherCheckpoint))
                    throw new ConfigException("models.teacher_checkpoint is empty: a distillation run needs the trained teacher's weights (.safetensors or PyTorch .pth)");
                teacher = ModelZoo.Create(config.Models.Teacher, options);
                teacherSource = WeightsLoader.Load(teacher, config.Models.TeacherCheckpoint);
            }
            student.To(device);
            teacher?.To(device);
            ApplyCompute(config.Compute, device, student, ref teacher);
            var distiller = config.Distiller.CreateDistiller(student, teacher);
            foreach (var (_, module) in distiller.ExtraModules) module.To(device);

            var normalize = DatasetCatalog.DefaultNormalize(catalogName);
            var views = ViewsFor(config.Dataset.Name);
            ISampleTransform trainTransform = distiller.ViewCount == 1
                ? new ImagePipeline(normalize, views.Weak)
                : new MultiViewTransform(new ImagePipeline(normalize, views.Weak), new ImagePipeline(normalize, views.Strong));
            var trainLoader = new DataLoader(train, trainTransform, new DataLoaderOptions
            {
                BatchSize = batchSize, Shuffle = true, DropLast = config.Solver.DropLast,
                Seed = (ulong)config.Experiment.Seed, Workers = Workers(config),
                Sampler = distributed == null ? null : new Distributed.DistributedSampler(distributed.Rank, distributed.WorldSize, Pad: true),
            });
            var testLoader = TestLoader(config, test, distributed);
            return new RunSetup
            {
                Config = config, Distiller = distiller, TrainLoader = trainLoader, TestLoader = testLoader, Device = device,
                RunDirectory = RunDirectory(config), TeacherSource = teacherSource, NumClasses = train.NumClasses,
                InChannels = train.Geometry.Channels, Variant = variant,
            };
        }
        catch
        {
            student.Dispose();
            teacher?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The compute settings (compute.*): the student's layout and autocast precision; the teacher
    /// replaced by its inference form (folded, laid out, maybe bf16), built once here.
    /// </summary>
    /// <param name="cpu">The CPU's bf16 support (null: this machine's).</param>
    /// <param name="timingOnly">The bench: a combination that trains inaccurately here is allowed (it is only timed).</param>
    public static void ApplyCompute(ComputeConfig compute, Device device, ZooModel student, ref ZooModel? teacher,
        Benchmarks.CpuFeatures? cpu = null, bool timingOnly = false)
    {
        // On CUDA, bf16 autocast is CUDA's own (tensor cores); the CPU's bf16 support matters only on the CPU.
        if (!timingOnly && device.Type == DeviceType.Cpu && compute.StudentPrecision == Precision.Bf16 && compute.MemoryFormat == MemoryFormat.ChannelsLast &&
            !(cpu ?? Benchmarks.CpuFeatures.Current()).NativeBf16)
            throw new ConfigException(
                "compute.student_precision bf16 with compute.memory_format channels_last needs a CPU with native bf16 " +
                "(avx512_bf16 or amx_bf16), which this one lacks: libtorch's fallback computes channels-last bf16 " +
                "convolution gradients inaccurately here (docs/training.md); set compute.memory_format=contiguous or compute.student_precision=fp32");
        student.UseMemoryFormat(compute.MemoryFormat);
        student.AutocastPrecision = compute.StudentPrecision;
        if (teacher != null) teacher = FrozenTeacher.Prepare(teacher, compute.TeacherForm);
    }

    /// <summary>The train or test split of the configured dataset, cut to train_limit / test_limit.</summary>
    public static IDataset OpenSplit(RunConfig config, bool train)
    {
        var root = string.IsNullOrWhiteSpace(config.Dataset.Root) ? null : config.Dataset.Root;
        var dataset = DatasetCatalog.Open(CatalogName(config.Dataset.Name), train, root);
        if (config.Dataset.Classes.Count > 0) dataset = SelectClasses(dataset, config.Dataset.Classes);
        return Limit(dataset, train ? config.Dataset.TrainLimit : config.Dataset.TestLimit);
    }

    /// <summary>The clean evaluation loader: no augmentation (ImageNet: resize + centre crop), normalised, in order.</summary>
    public static DataLoader TestLoader(RunConfig config, IDataset test, Distributed.DistributedContext? distributed = null)
    {
        var normalize = DatasetCatalog.DefaultNormalize(CatalogName(config.Dataset.Name));
        ISampleTransform transform = config.Dataset.Name is DatasetName.Imagenet or DatasetName.ImageFolder
            ? new ImagePipeline(normalize, ViewPipelines.ImageNetEval())
            : new ImagePipeline(normalize);
        return new DataLoader(test, transform, new DataLoaderOptions
        {
            BatchSize = config.Dataset.TestBatchSize, Shuffle = false, Seed = (ulong)config.Experiment.Seed, Workers = Workers(config),
            Sampler = distributed == null ? null : new Distributed.DistributedSampler(distributed.Rank, distributed.WorldSize, Pad: false),
        });
    }

    /// <summary>dataset.classes applied to a split; a class the dataset does not have is a config error naming the key.</summary>
    private static IDataset SelectClasses(IDataset dataset, IReadOnlyList<int> classes)
    {
        try
        {
            return new ClassSubsetDataset(dataset, classes);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"dataset.classes: {e.Message}", e);
        }
    }

    /// <summary>dataset.num_workers, 0 meaning <see cref="DefaultWorkers"/> of this machine's cores.</summary>
    public static int Workers(RunConfig config) => config.Dataset.NumWorkers > 0 ? config.Dataset.NumWorkers : DefaultWorkers(Environment.ProcessorCount);

    /// <summary>
    /// Data-loading threads when dataset.num_workers is 0: half the cores, at least one. libtorch's
    /// intra-op threads keep every core (SHARPDISTILL_THREADS, default one per core) because the
    /// step is compute-bound; the workers only run until the prefetch queue is full and then wait,
    /// so half the cores keep the queue full without taking as many cores from the step again
    /// (docs/training.md, "Threads").
    /// </summary>
    public static int DefaultWorkers(int cores) => Math.Max(1, cores / 2);

    /// <summary>output_dir/name, the name derived from method, teacher and student when empty.</summary>
    public static string RunDirectory(RunConfig config)
    {
        var name = config.Experiment.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            var method = config.Distiller.Method;
            var teacher = config.Distiller.Descriptor.NeedsTeacher ? config.Models.Teacher.Replace('/', '-') + "_" : "";
            name = $"{ConfigNames.ToKey(config.Dataset.Name.ToString())}_{method}_{teacher}{config.Models.Student.Replace('/', '-')}";
        }
        return Path.Combine(config.Experiment.OutputDir, name);
    }

    public static string CatalogName(DatasetName name) => name switch
    {
        DatasetName.FashionMnist => "fashion-mnist",
        DatasetName.Mnist => "mnist",
        DatasetName.Cifar10 => "cifar10",
        DatasetName.Cifar100 => "cifar100",
        DatasetName.TinyImagenet => "tiny-imagenet",
        DatasetName.Imagenet => "imagenet",
        DatasetName.ImageFolder => "image-folder",
        DatasetName.Stl10 => "stl10",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>
    /// The reference CIFAR and ImageNet definitions pool a fixed final map; Tiny-ImageNet (64 px) and
    /// (Fashion-)MNIST (28 px) need the global-pooling variant, as does STL-10 (96 px) trained at its own size.
    /// </summary>
    public static ModelVariant VariantFor(DatasetName name) =>
        name is DatasetName.TinyImagenet or DatasetName.FashionMnist or DatasetName.Mnist or DatasetName.Stl10
            ? ModelVariant.TinyImageNet : ModelVariant.Standard;

    public static ViewPair ViewsFor(DatasetName name) => name switch
    {
        DatasetName.FashionMnist or DatasetName.Mnist => ViewPipelines.FashionMnist(),
        DatasetName.Cifar10 or DatasetName.Cifar100 => ViewPipelines.Cifar(),
        DatasetName.TinyImagenet => ViewPipelines.TinyImageNet(),
        DatasetName.Stl10 => ViewPipelines.Padded(Stl10.Side, 12),
        DatasetName.Imagenet or DatasetName.ImageFolder => ViewPipelines.ImageNet(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static Device ParseDevice(string text)
    {
        Device device;
        try
        {
            device = Device.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"experiment.device: {e.Message}", e);
        }
        if (device.Type == DeviceType.Cuda && !TorchRuntime.CudaIsAvailable)
            throw new ConfigException($"experiment.device is '{text}' but the loaded libtorch {TorchRuntime.LibTorchVersion} has no usable CUDA device; use cpu or build against a CUDA libtorch (SHARPDISTILL_TORCH_DIR)");
        return device;
    }

    private static IDataset Limit(IDataset dataset, int limit) => limit > 0 && limit < dataset.Count ? new SubsetDataset(dataset, limit) : dataset;
}
