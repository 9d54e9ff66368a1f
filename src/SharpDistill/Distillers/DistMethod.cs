using SharpDistill.Distillers.Losses;

namespace SharpDistill.Distillers;

/// <summary>DIST's settings (distiller.dist.*): the official CIFAR configs' effective values, kd_loss_weight 2 × DIST(β = 1, γ = 1), τ = 4 (1 on ImageNet).</summary>
public sealed class DistSettings
{
    public double CeWeight { get; set; } = 1.0;
    public double Beta { get; set; } = 2.0;
    /// <summary>Weight of the intra-class term; when it is non-zero a batch needs two samples.</summary>
    public double Gamma { get; set; } = 2.0;
    public double Tau { get; set; } = 4.0;
}

/// <summary>DIST (docs/methods/dist.md): α·CE + τ²·(β·L_inter + γ·L_intra), Pearson correlations of the softened outputs.</summary>
public sealed class DistMethod : IMethodDescriptor
{
    public string Name => "dist";
    public string Help => "DIST: Pearson-correlation relations between softened outputs, per sample and per class";
    public object CreateSettings() => new DistSettings();

    public Distiller Create(object settings, DistillerParts parts) =>
        new LogitDistiller(Name, parts, ((DistSettings)settings).CeWeight, CrossViewPair(settings).Loss);

    public CrossViewPairLoss CrossViewPair(object settings)
    {
        var s = (DistSettings)settings;
        return new((student, teacher, _, _) =>
        {
            using var dist = DistLoss.Compute(student, teacher, s.Beta, s.Gamma, s.Tau);
            return dist.Total.Alias();
        });
    }

    public LossConformanceEvaluator Conformance => ConformanceValues.OfLogits((c, student, teacher) =>
        DistLoss.Compute(student, teacher, c.Param("beta"), c.Param("gamma"), c.Param("tau")).Total);
}
