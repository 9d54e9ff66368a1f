using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// A one-view logit method: loss_ce = ce_weight·CE(student) and, with a teacher, loss_kd = the
/// method's term between the student's and the frozen teacher's logits. KD, DKD, DIST and CMKD are
/// this with their own term; without a term it is the student alone (mdistiller's Vanilla).
/// </summary>
public sealed class LogitDistiller : Distiller
{
    private readonly double ceWeight;
    private readonly LogitTerm? term;

    public LogitDistiller(string method, DistillerParts parts, double ceWeight, LogitTerm? term)
        : base(parts.Student, term is null ? null : parts.Teacher)
    {
        Method = method;
        this.ceWeight = ceWeight;
        this.term = term;
    }

    public override string Method { get; }

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var ce = new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * ceWeight);
        if (term is null) return new DistillerStep(logits, new[] { ce });
        return new DistillerStep(logits, new[] { ce, new KeyValuePair<string, Tensor>("loss_kd", term(logits, TeacherLogits(views[0]), labels, progress)) });
    }
}
