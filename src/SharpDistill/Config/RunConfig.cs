using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;

namespace SharpDistill.Config;

/// <summary>
/// The whole configuration of a run. Defaults are the published ones (docs/methods/); YAML files
/// under configs/ hold only overrides, and <c>--set section.key=value</c> overrides those.
/// </summary>
public sealed class RunConfig
{
    public ExperimentConfig Experiment { get; set; } = new();
    public DatasetConfig Dataset { get; set; } = new();
    public ModelsConfig Models { get; set; } = new();
    public DistillerConfig Distiller { get; set; } = new();
    public SolverConfig Solver { get; set; } = new();
    public LogConfig Log { get; set; } = new();
    public ComputeConfig Compute { get; set; } = new();
    /// <summary>Data-parallel jobs only (ignored by a single process).</summary>
    public DistributedConfig Distributed { get; set; } = new();
    /// <summary>The linear probe of `sharpdistill transfer` (ignored by every other verb).</summary>
    public TransferConfig Transfer { get; set; } = new();

    /// <summary>Defaults, then each YAML file in order, then each --set assignment in order.</summary>
    public static RunConfig Load(IEnumerable<string> yamlFiles, IEnumerable<string> assignments) =>
        Load(null, yamlFiles, assignments);

    /// <summary>
    /// Defaults, then <paramref name="baseYaml"/> (a config text with the name used in errors, e.g. the
    /// one a checkpoint carries), then each YAML file, then each --set assignment.
    /// </summary>
    public static RunConfig Load((string Text, string Source)? baseYaml, IEnumerable<string> yamlFiles, IEnumerable<string> assignments)
    {
        var config = new RunConfig();
        if (baseYaml is { } text) ConfigBinder.ApplyText(config, text.Text, text.Source);
        foreach (var file in yamlFiles) ConfigBinder.ApplyFile(config, file);
        foreach (var assignment in assignments) ConfigBinder.ApplySet(config, assignment);
        ConfigValidation.Check(config);
        return config;
    }
}

public sealed class ExperimentConfig
{
    /// <summary>Run name; the run directory is output_dir/name (a name is derived from the config when empty).</summary>
    public string Name { get; set; } = "";
    public string OutputDir { get; set; } = "runs";
    /// <summary>Seed of every random draw (init, shuffling, augmentation), so CPU runs are reproducible.</summary>
    public long Seed { get; set; } = 0;
    /// <summary>cpu, cuda or cuda:N.</summary>
    public string Device { get; set; } = "cpu";
}

/// <summary>Every dataset of <see cref="Data.DatasetCatalog"/> (README, Configuration, says where each one's files go).</summary>
public enum DatasetName
{
    FashionMnist,
    Mnist,
    Cifar10,
    Cifar100,
    TinyImagenet,
    Imagenet,
    /// <summary>root/train/&lt;class&gt;/… and root/val/&lt;class&gt;/…, read like ImageNet (224-pixel crops).</summary>
    ImageFolder,
    /// <summary>STL-10's labelled splits from the binary release (stl10_binary/train_X.bin, …); a transfer target.</summary>
    Stl10,
}

public sealed class DatasetConfig
{
    public DatasetName Name { get; set; } = DatasetName.FashionMnist;
    /// <summary>Folder with the dataset's files; empty means the dataset's default location.</summary>
    public string Root { get; set; } = "";
    /// <summary>Data-loading threads; 0 means half the cores, at least one (Training.RunFactory.DefaultWorkers).</summary>
    public int NumWorkers { get; set; } = 0;
    public int TestBatchSize { get; set; } = 64;
    /// <summary>Use only the first N training images (0 = all); for quick runs and tests.</summary>
    public int TrainLimit { get; set; } = 0;
    /// <summary>Use only the first N test images (0 = all).</summary>
    public int TestLimit { get; set; } = 0;
    /// <summary>
    /// Keep only these classes, relabelled 0..k-1 in this order (empty = every class), before the limits
    /// apply; e.g. [0, 1, 2, 3, 4] to distil on half of a dataset and probe on the other half.
    /// </summary>
    public List<int> Classes { get; set; } = new();
}

public sealed class ModelsConfig
{
    /// <summary>Teacher architecture (zoo name) and its checkpoint (.safetensors or a PyTorch .pth).</summary>
    public string Teacher { get; set; } = "";
    public string TeacherCheckpoint { get; set; } = "";
    public string Student { get; set; } = "resnet8";
}

/// <summary>
/// The method (distiller.method, one of <see cref="MethodRegistry.Names"/>) and one section of
/// settings per method that has any (distiller.kd.*, distiller.crld.*, ...): each is a new object of
/// the method descriptor's settings type, so its defaults live in the method's file alone.
/// </summary>
public sealed class DistillerConfig : IConfigSections
{
    private readonly Dictionary<string, object> settings = MethodRegistry.All
        .Select(m => (m.Name, Settings: m.CreateSettings()))
        .Where(m => m.Settings is not NoSettings)
        .ToDictionary(m => m.Name, m => m.Settings);

    public DistillerConfig()
    {
        // A combination's terms take their settings from their own sections of this config.
        foreach (var reader in settings.Values.OfType<IReadsOtherMethodSettings>()) reader.ReadOtherMethodsFrom(SettingsOf);
    }

    private string method = "crld";

    /// <summary>The method's name; an unknown one is refused with the list of valid names.</summary>
    public string Method
    {
        get => method;
        set => method = MethodRegistry.Find(value).Name;
    }

    /// <summary>Adds CRLD's cross-view consistency on top of kd, dkd, dist or cmkd.</summary>
    public CrossViewConfig CrossView { get; set; } = new();

    IEnumerable<KeyValuePair<string, object>> IConfigSections.Sections => settings;

    public IMethodDescriptor Descriptor => MethodRegistry.Find(Method);

    /// <summary>The settings of method <paramref name="name"/> (a <see cref="NoSettings"/> for a method without any).</summary>
    public object SettingsOf(string name) => settings.TryGetValue(MethodRegistry.Find(name).Name, out var s) ? s : new NoSettings();

    /// <summary>The one section of type <typeparamref name="T"/>, e.g. <c>Settings&lt;KdSettings&gt;()</c>.</summary>
    public T Settings<T>() where T : class => settings.Values.OfType<T>().Single();

    /// <summary>
    /// The configured method's distiller over <paramref name="student"/> and <paramref name="teacher"/>,
    /// composed with CRLD's cross-view consistency when cross_view.enabled (teacher-free methods ignore it).
    /// </summary>
    /// <param name="featureWidth">Pooled-feature width of a model (DCD's heads); by default one probe forward.</param>
    public Distiller CreateDistiller(ZooModel student, ZooModel? teacher, Func<ZooModel, long>? featureWidth = null)
    {
        var descriptor = Descriptor;
        if (descriptor.NeedsTeacher && teacher is null)
            throw new ArgumentException($"the {descriptor.Name} method needs a teacher: set models.teacher and models.teacher_checkpoint");
        var parts = new DistillerParts(student, teacher, featureWidth ?? MethodRegistry.PooledFeatureWidth);
        var methodSettings = SettingsOf(descriptor.Name);
        return CrossView.Enabled && descriptor.NeedsTeacher
            ? CrossViewDistiller.Compose(descriptor, methodSettings, CrossView, parts)
            : descriptor.Create(methodSettings, parts);
    }
}

public enum OptimizerName
{
    Sgd,
    Adam,
    Adamw,
}

public enum ScheduleName
{
    Step,
    Cosine,
}

/// <summary>The optimisation recipe; defaults are the CIFAR-100 recipe of docs/training.md</summary>
public sealed class SolverConfig
{
    public int Epochs { get; set; } = 240;
    public int BatchSize { get; set; } = 64;
    public OptimizerName Optimizer { get; set; } = OptimizerName.Sgd;
    public double Lr { get; set; } = 0.05;
    public double Momentum { get; set; } = 0.9;
    public bool Nesterov { get; set; } = false;
    /// <summary>Coupled L2 weight decay on all student parameters (BN and biases included).</summary>
    public double WeightDecay { get; set; } = 5e-4;
    public ScheduleName Schedule { get; set; } = ScheduleName.Step;
    /// <summary>1-based epochs after which the LR is multiplied by lr_decay_rate.</summary>
    public List<int> LrDecayStages { get; set; } = new() { 150, 180, 210 };
    public double LrDecayRate { get; set; } = 0.1;
    public int WarmupEpochs { get; set; } = 0;
    /// <summary>Drop the last partial batch (the CRLD code keeps it; the DCD repo drops it).</summary>
    public bool DropLast { get; set; } = false;
}

public sealed class LogConfig
{
    /// <summary>Show a progress bar when the output is a terminal.</summary>
    public bool Progress { get; set; } = true;
    /// <summary>Write TensorBoard event files.</summary>
    public bool Tensorboard { get; set; } = true;
    /// <summary>Also keep a checkpoint every N epochs (0 = only latest and best).</summary>
    public int SaveEvery { get; set; } = 0;
}

/// <summary>
/// CRLD's cross-view consistency added on top of another logit method (kd, dkd, dist, cmkd): CE on
/// both views, the method's loss within each view gated by the weak-view teacher's confidence, and
/// across views gated by the strong-view teacher's. With method kd and the default weights (CRLD's)
/// it is CRLD.
/// </summary>
public sealed class CrossViewConfig : CrossViewWeights
{
    public bool Enabled { get; set; } = false;
}
