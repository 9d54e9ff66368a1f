using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Config;

/// <summary>
/// The whole configuration of a run. Defaults are the published ones (shared/spec); YAML files
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

    /// <summary>Defaults, then each YAML file in order, then each --set assignment in order.</summary>
    public static RunConfig Load(IEnumerable<string> yamlFiles, IEnumerable<string> assignments)
    {
        var config = new RunConfig();
        foreach (var file in yamlFiles) ConfigBinder.ApplyFile(config, file);
        foreach (var assignment in assignments) ConfigBinder.ApplySet(config, assignment);
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

public enum DatasetName
{
    FashionMnist,
    Cifar10,
    Cifar100,
    TinyImagenet,
    Imagenet,
}

public sealed class DatasetConfig
{
    public DatasetName Name { get; set; } = DatasetName.FashionMnist;
    /// <summary>Folder with the dataset's files; empty means the dataset's default location.</summary>
    public string Root { get; set; } = "";
    /// <summary>Data-loading threads; 0 means one per core.</summary>
    public int NumWorkers { get; set; } = 0;
    public int TestBatchSize { get; set; } = 64;
    /// <summary>Use only the first N training images (0 = all); for quick runs and tests.</summary>
    public int TrainLimit { get; set; } = 0;
    /// <summary>Use only the first N test images (0 = all).</summary>
    public int TestLimit { get; set; } = 0;
}

public sealed class ModelsConfig
{
    /// <summary>Teacher architecture (zoo name) and its checkpoint (.safetensors or a PyTorch .pth).</summary>
    public string Teacher { get; set; } = "";
    public string TeacherCheckpoint { get; set; } = "";
    public string Student { get; set; } = "resnet8";
}

public enum DistillMethod
{
    Ce,
    Kd,
    Dkd,
    Dist,
    Crld,
    Dcd,
    Cmkd,
}

public sealed class DistillerConfig
{
    public DistillMethod Method { get; set; } = DistillMethod.Crld;
    public KdConfig Kd { get; set; } = new();
    public DkdConfig Dkd { get; set; } = new();
    public DistConfig Dist { get; set; } = new();
    public CrldConfig Crld { get; set; } = new();
    public DcdConfig Dcd { get; set; } = new();
    public CmkdConfig Cmkd { get; set; } = new();
    /// <summary>Adds CRLD's cross-view consistency on top of kd, dkd, dist or cmkd.</summary>
    public CrossViewConfig CrossView { get; set; } = new();
}

/// <summary>Hinton KD; mdistiller CFG.KD defaults.</summary>
public sealed class KdConfig
{
    public double Temperature { get; set; } = 4.0;
    public double CeWeight { get; set; } = 0.1;
    public double KdWeight { get; set; } = 0.9;
}

/// <summary>Decoupled KD; mdistiller CFG.DKD defaults (β varies per pair in the published configs).</summary>
public sealed class DkdConfig
{
    public double CeWeight { get; set; } = 1.0;
    public double Alpha { get; set; } = 1.0;
    public double Beta { get; set; } = 8.0;
    public double Temperature { get; set; } = 4.0;
    /// <summary>The DKD part is scaled by min(epoch / warmup, 1).</summary>
    public int Warmup { get; set; } = 20;
}

/// <summary>DIST; the effective defaults of the official CIFAR configs (τ = 1 on ImageNet).</summary>
public sealed class DistConfig
{
    public double CeWeight { get; set; } = 1.0;
    public double Beta { get; set; } = 2.0;
    public double Gamma { get; set; } = 2.0;
    public double Tau { get; set; } = 4.0;
}

/// <summary>CRLD (crld.md §1.5).</summary>
public sealed class CrldConfig
{
    public double CeWeight { get; set; } = 1.0;
    public double WvWeight { get; set; } = 2.0;
    public double CvWeight { get; set; } = 0.5;
    public double Temperature { get; set; } = 4.0;
    public double TauW { get; set; } = 0.9;
    public double TauS { get; set; } = 0.2;
}

/// <summary>DCD (dcd.md §1–2): loss = γ·CE + α_kd·KD + β·(L_contrast + α_c·L_consist).</summary>
public sealed class DcdConfig
{
    public double Gamma { get; set; } = 1.0;
    public double KdWeight { get; set; } = 0.0;
    public double Beta { get; set; } = 1.0;
    public double ConsistencyWeight { get; set; } = 0.5;
    public int FeatDim { get; set; } = 128;
    public double KdTemperature { get; set; } = 4.0;
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

/// <summary>The optimisation recipe; defaults are the CIFAR-100 recipe of crld.md §3.</summary>
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
/// CMKD (cmkd.md §1.6). A reconstruction: each [UNVERIFIED] choice of the spec is a key here with
/// the spec's recommended default.
/// </summary>
public sealed class CmkdConfig
{
    public double CeWeight { get; set; } = 1.0;
    public double Tau { get; set; } = 4.0;
    public double Beta { get; set; } = 2.0;
    public double Gamma { get; set; } = 2.0;
    public CmkdRankInput RankOn { get; set; } = CmkdRankInput.Logit;
    /// <summary>ε, the soft-rank regularisation strength.</summary>
    public double RankStrength { get; set; } = 1.0;
    public SoftRankRegularization RankRegularization { get; set; } = SoftRankRegularization.L2;
    public CmkdTeacherRank TeacherRank { get; set; } = CmkdTeacherRank.Soft;
    public bool IntraSpearman { get; set; } = true;
    public double IntraSpearmanWeight { get; set; } = 0.5;
    public CmkdDifficulty Difficulty { get; set; } = CmkdDifficulty.Entropy;
    public CmkdWeightNormalization WeightNormalization { get; set; } = CmkdWeightNormalization.Raw;
    public double SigmoidTemperature { get; set; } = 1.0;
    public bool SpearmanOnHard { get; set; } = true;
    public CmkdWeighting Weighting { get; set; } = CmkdWeighting.Dynamic;
    public double FixedWeight { get; set; } = 0.5;

    public CmkdSettings ToSettings() => new(Tau, Beta, Gamma, RankOn, RankStrength, RankRegularization,
        TeacherRank, IntraSpearman, IntraSpearmanWeight, Difficulty, WeightNormalization, SigmoidTemperature, SpearmanOnHard, Weighting,
        FixedWeight);
}

/// <summary>
/// CRLD's cross-view consistency added on top of another logit method (kd, dkd, dist, cmkd): CE on
/// both views, the method's loss within each view gated by the weak-view teacher's confidence, and
/// across views gated by the strong-view teacher's. With method kd and these defaults it is CRLD.
/// </summary>
public sealed class CrossViewConfig
{
    public bool Enabled { get; set; } = false;
    public double CeWeight { get; set; } = 1.0;
    public double WvWeight { get; set; } = 2.0;
    public double CvWeight { get; set; } = 0.5;
    public double TauW { get; set; } = 0.9;
    public double TauS { get; set; } = 0.2;
}
