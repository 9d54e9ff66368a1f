using SharpDistill.Distillers.Losses;

namespace SharpDistill.Distillers;

/// <summary>Hinton KD's settings (distiller.kd.*); mdistiller CFG.KD defaults.</summary>
public sealed class KdSettings
{
    /// <summary>T: both distributions are softened by dividing the logits by T; the KL term is scaled by T².</summary>
    public double Temperature { get; set; } = 4.0;
    /// <summary>Weight of the cross-entropy on the labels.</summary>
    public double CeWeight { get; set; } = 0.1;
    /// <summary>Weight of the distillation term.</summary>
    public double KdWeight { get; set; } = 0.9;
}

/// <summary>Hinton KD (docs/methods/kd.md): CE_WEIGHT·CE + KD_WEIGHT·T²·KL(teacher ‖ student).</summary>
public sealed class KdMethod : IMethodDescriptor
{
    public string Name => "kd";
    public string Help => "Hinton KD: CE plus T²·KL between the softened teacher and student outputs";
    public object CreateSettings() => new KdSettings();

    public Distiller Create(object settings, DistillerParts parts)
    {
        var s = (KdSettings)settings;
        return new LogitDistiller(Name, parts, s.CeWeight, (student, teacher, _, _) => KdLoss.Compute(student, teacher, s.Temperature) * s.KdWeight);
    }

    /// <summary>The bare KD term: under cross-view consistency the KD weight gives way to CRLD's weights.</summary>
    public CrossViewPairLoss CrossViewPair(object settings) =>
        new((student, teacher, _, _) => KdLoss.Compute(student, teacher, ((KdSettings)settings).Temperature));

    public LossConformanceEvaluator Conformance =>
        ConformanceValues.OfLogits((c, student, teacher) => KdLoss.Compute(student, teacher, c.Param("temperature")));
}
