using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>Creates a distiller by method name from a run's config; an unknown name lists the valid ones.</summary>
public static class DistillerRegistry
{
    public static IReadOnlyList<string> Methods { get; } =
        Enum.GetValues<DistillMethod>().Select(m => ConfigNames.ToKey(m.ToString())).ToArray();

    /// <summary>Methods that need a teacher.</summary>
    public static bool NeedsTeacher(DistillMethod method) => method != DistillMethod.Ce;

    public static DistillMethod Parse(string name)
    {
        foreach (var method in Enum.GetValues<DistillMethod>())
            if (string.Equals(ConfigNames.ToKey(method.ToString()), name, StringComparison.OrdinalIgnoreCase)) return method;
        throw new ArgumentException($"unknown distillation method '{name}'; valid methods: {string.Join(", ", Methods)}");
    }

    /// <param name="featureDims">Pooled-feature sizes (student, teacher), needed by feature methods (DCD).</param>
    public static Distiller Create(DistillerConfig config, ZooModel student, ZooModel? teacher, Func<ZooModel, long>? featureDim = null)
    {
        if (!NeedsTeacher(config.Method)) return new VanillaDistiller(student);
        if (teacher == null)
            throw new ArgumentException($"the {ConfigNames.ToKey(config.Method.ToString())} method needs a teacher: set models.teacher and models.teacher_checkpoint");
        if (config.CrossView.Enabled) return CreateCrossView(config, student, teacher);
        return config.Method switch
        {
            DistillMethod.Kd => new KdDistiller(student, teacher, config.Kd),
            DistillMethod.Dkd => new DkdDistiller(student, teacher, config.Dkd),
            DistillMethod.Dist => new DistDistiller(student, teacher, config.Dist),
            DistillMethod.Crld => new CrldDistiller(student, teacher, config.Crld),
            DistillMethod.Cmkd => new CmkdDistiller(student, teacher, config.Cmkd),
            DistillMethod.Dcd => new DcdDistiller(student, teacher, config.Dcd,
                (featureDim ?? PooledFeatureDim)(student), (featureDim ?? PooledFeatureDim)(teacher)),
            _ => throw new ArgumentException($"no distiller for method {config.Method}"),
        };
    }

    /// <summary>
    /// CRLD's cross-view consistency on top of a logit method. The base method's weighted distillation
    /// term is the pair loss; its CE weight and KD weight give way to cross_view's ce/wv/cv weights.
    /// </summary>
    private static Distiller CreateCrossView(DistillerConfig config, ZooModel student, ZooModel teacher)
    {
        var cv = config.CrossView;
        return config.Method switch
        {
            DistillMethod.Kd => new CrossViewDistiller(student, teacher, cv, "kd",
                (s, t, y, p) => KdLoss.Compute(s, t, config.Kd.Temperature)),
            DistillMethod.Dkd => new CrossViewDistiller(student, teacher, cv, "dkd", (s, t, y, p) =>
            {
                using var dkd = DkdLoss.Compute(s, t, y, config.Dkd.Alpha, config.Dkd.Beta, config.Dkd.Temperature);
                return dkd.Total * DkdDistiller.WarmupFactor(p.Epoch, config.Dkd.Warmup);
            }),
            DistillMethod.Dist => new CrossViewDistiller(student, teacher, cv, "dist", (s, t, y, p) =>
            {
                using var dist = DistLoss.Compute(s, t, config.Dist.Beta, config.Dist.Gamma, config.Dist.Tau);
                return dist.Total.Alias();
            }, minimumKept: config.Dist.Gamma != 0 ? 2 : 1),
            DistillMethod.Cmkd => new CrossViewDistiller(student, teacher, cv, "cmkd", (s, t, y, p) =>
            {
                using var cmkd = CmkdLoss.Compute(s, t, y, config.Cmkd.ToSettings());
                return cmkd.Total.Alias();
            }, minimumKept: 2),
            _ => throw new ArgumentException(
                $"distiller.cross_view applies to kd, dkd, dist and cmkd (crld already is kd with cross-view consistency), not {ConfigNames.ToKey(config.Method.ToString())}"),
        };
    }

    /// <summary>The size of a model's pooled penultimate feature, found with one tiny forward in eval mode.</summary>
    public static long PooledFeatureDim(ZooModel model)
    {
        var size = model.Variant == ModelVariant.TinyImageNet ? 32 : model.NativeInputSize;
        var wasTraining = model.Training;
        model.Eval();
        try
        {
            using var scope = new TensorScope();
            using var inference = Autograd.InferenceMode();
            var device = model.Parameters().First().Device;
            var probe = Tensors.Zeros(new long[] { 1, model.InChannels, size, size }, DType.Float32, device);
            using var output = model.Forward(probe);
            return output.PooledFeat.Size(1);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }
}
