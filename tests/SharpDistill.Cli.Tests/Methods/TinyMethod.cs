using SharpDistill.Distillers;
using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Cli.Tests.Methods;

/// <summary>The settings of the test-only "tiny" method: its one default lives here.</summary>
public sealed class TinySettings
{
    public double Weight { get; set; } = 0.25;
}

/// <summary>
/// A method defined outside the library, to show that one descriptor is all a new method needs:
/// CE plus weight·mean((student − teacher)²) on the logits. The registry finds it because this test
/// assembly references SharpDistill; nothing in src/ names it.
/// </summary>
public sealed class TinyMethod : MethodDescriptor<TinySettings>
{
    public override string Name => "tiny";
    public override string Help => "test-only: CE plus the mean squared difference of the logits";

    public static Tensor Loss(Tensor student, Tensor teacher, double weight)
    {
        var difference = student - teacher;
        return (difference * difference).Mean() * weight;
    }

    protected override Distiller Create(TinySettings settings, DistillerParts parts) => new TinyDistiller(parts, settings);

    protected override CrossViewPairLoss CrossViewPair(TinySettings settings) => new((s, t, y, p) => Loss(s, t, settings.Weight));

    public override LossConformanceEvaluator Conformance => (c, dtype) =>
    {
        using var scope = new TensorScope();
        var student = c.InputTensor("student", dtype).RequiresGrad_();
        var teacher = c.InputTensor("teacher", dtype);
        var loss = Loss(student, teacher, c.Param("weight"));
        return ConformanceValues.WithGradients(loss, new() { ["loss"] = loss }, ("grad_student", student));
    };
}

public sealed class TinyDistiller : Distiller
{
    private readonly TinySettings settings;

    public TinyDistiller(DistillerParts parts, TinySettings settings) : base(parts.Student, parts.Teacher) => this.settings = settings;

    public override string Method => "tiny";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels)),
            new KeyValuePair<string, Tensor>("loss_kd", TinyMethod.Loss(logits, teacher, settings.Weight)),
        });
    }
}
