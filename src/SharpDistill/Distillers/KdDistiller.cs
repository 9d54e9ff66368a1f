using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>Hinton KD's settings (distiller.kd.*); mdistiller CFG.KD defaults.</summary>
public sealed class KdSettings
{
    public double Temperature { get; set; } = 4.0;
    public double CeWeight { get; set; } = 0.1;
    public double KdWeight { get; set; } = 0.9;
}

public sealed class KdMethod : MethodDescriptor<KdSettings>
{
    public override string Name => "kd";
    public override string Help => "Hinton KD: CE plus T²·KL between the softened teacher and student outputs";

    protected override Distiller Create(KdSettings settings, DistillerParts parts) => new KdDistiller(parts, settings);

    protected override CrossViewPairLoss CrossViewPair(KdSettings settings) =>
        new((s, t, y, p) => KdLoss.Compute(s, t, settings.Temperature));

    public override LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var loss = KdLoss.Compute(student, teacher, c.Param("temperature"));
        return ConformanceValues.WithGradients(loss, new() { ["loss"] = loss }, ("grad_student", student));
    };
}

/// <summary>Hinton KD (baselines.md §2): CE_WEIGHT·CE + KD_WEIGHT·T²·KL(teacher ‖ student).</summary>
public sealed class KdDistiller : Distiller
{
    private readonly KdSettings settings;

    public KdDistiller(DistillerParts parts, KdSettings settings) : base(parts.Student, parts.Teacher) => this.settings = settings;

    public override string Method => "kd";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", KdLoss.Compute(logits, teacher, settings.Temperature) * settings.KdWeight),
        });
    }
}
