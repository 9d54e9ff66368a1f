using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>DIST's settings (distiller.dist.*): the effective defaults of the official CIFAR configs, kd_loss_weight 2 × DIST(β = 1, γ = 1), τ = 4 (τ = 1 on ImageNet).</summary>
public sealed class DistSettings
{
    public double CeWeight { get; set; } = 1.0;
    public double Beta { get; set; } = 2.0;
    /// <summary>Weight of the intra-class term; when it is non-zero a batch needs at least two samples.</summary>
    public double Gamma { get; set; } = 2.0;
    public double Tau { get; set; } = 4.0;
}

public sealed class DistMethod : MethodDescriptor<DistSettings>
{
    public override string Name => "dist";
    public override string Help => "DIST: Pearson-correlation relations between softened outputs, per sample and per class";

    protected override Distiller Create(DistSettings settings, DistillerParts parts) => new DistDistiller(parts, settings);

    protected override CrossViewPairLoss CrossViewPair(DistSettings settings) => new((s, t, y, p) =>
    {
        using var dist = DistLoss.Compute(s, t, settings.Beta, settings.Gamma, settings.Tau);
        return dist.Total.Alias();
    }, MinimumBatch: settings.Gamma != 0 ? 2 : 1);

    public override LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var terms = DistLoss.Compute(student, teacher, c.Param("beta"), c.Param("gamma"), c.Param("tau"));
        return ConformanceValues.WithGradients(terms.Total, new() { ["loss"] = terms.Total }, ("grad_student", student));
    };
}

/// <summary>DIST (baselines.md §4): α·CE + τ²·(β·L_inter + γ·L_intra), Pearson correlations of the softened outputs.</summary>
public sealed class DistDistiller : Distiller
{
    private readonly DistSettings settings;

    public DistDistiller(DistillerParts parts, DistSettings settings) : base(parts.Student, parts.Teacher) => this.settings = settings;

    public override string Method => "dist";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        using var dist = DistLoss.Compute(logits, teacher, settings.Beta, settings.Gamma, settings.Tau);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", dist.Total.Alias()),
        });
    }
}
