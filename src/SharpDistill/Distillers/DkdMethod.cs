using SharpDistill.Distillers.Losses;

namespace SharpDistill.Distillers;

/// <summary>Decoupled KD's settings (distiller.dkd.*); mdistiller CFG.DKD defaults (β varies per pair in the published configs).</summary>
public sealed class DkdSettings
{
    public double CeWeight { get; set; } = 1.0;
    public double Alpha { get; set; } = 1.0;
    public double Beta { get; set; } = 8.0;
    public double Temperature { get; set; } = 4.0;
    /// <summary>The DKD part is scaled by min(epoch / warmup, 1).</summary>
    public int Warmup { get; set; } = 20;
}

/// <summary>
/// DKD (docs/methods/dkd.md): CE_WEIGHT·CE + min(epoch / WARMUP, 1)·(α·TCKD + β·NCKD). The warm-up
/// factor scales the whole DKD part, not CE, with 1-based epochs as in mdistiller.
/// </summary>
public sealed class DkdMethod : IMethodDescriptor
{
    public string Name => "dkd";
    public string Help => "Decoupled KD: target-class and non-target-class KD weighted separately, warmed up";
    public object CreateSettings() => new DkdSettings();

    public static double WarmupFactor(int epoch, int warmup) => Math.Min((double)epoch / warmup, 1.0);

    public Distiller Create(object settings, DistillerParts parts) =>
        new LogitDistiller(Name, parts, ((DkdSettings)settings).CeWeight, CrossViewPair(settings).Loss);

    public CrossViewPairLoss CrossViewPair(object settings)
    {
        var s = (DkdSettings)settings;
        if (s.Warmup < 1) throw new ArgumentException($"distiller.dkd.warmup must be at least 1 epoch, got {s.Warmup}");
        return new((student, teacher, labels, progress) =>
        {
            using var dkd = DkdLoss.Compute(student, teacher, labels, s.Alpha, s.Beta, s.Temperature);
            return dkd.Total * WarmupFactor(progress.Epoch, s.Warmup);
        });
    }

    public LossConformanceEvaluator Conformance => ConformanceValues.OfLogits((c, student, teacher) =>
        DkdLoss.Compute(student, teacher, c.InputLabels("target"), c.Param("alpha"), c.Param("beta"), c.Param("temperature")).Total);
}
