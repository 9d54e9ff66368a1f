using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>The two parts of DKD and their weighted sum; disposing it disposes all three.</summary>
/// <param name="Tckd">TCKD (with T², unweighted).</param>
/// <param name="Nckd">NCKD (with T², unweighted).</param>
/// <param name="Total">α·TCKD + β·NCKD: no CE and no warm-up factor.</param>
public sealed record DkdLossTerms(Tensor Tckd, Tensor Nckd, Tensor Total) : IDisposable
{
    public void Dispose()
    {
        Tckd.Dispose();
        Nckd.Dispose();
        Total.Dispose();
    }
}

/// <summary>
/// Decoupled knowledge distillation (Zhao et al., CVPR 2022, arXiv:2203.08679), with the exact
/// semantics of mdistiller's <c>dkd_loss</c> (docs/methods/dkd.md).
/// </summary>
public static class DkdLoss
{
    private const string Name = "DKD (Zhao et al. 2022; docs/methods/dkd.md)";

    /// <summary>
    /// The reference subtracts this from the target logit (after dividing by T) so that the softmax
    /// over the remaining classes needs no indexing: exp(−1000) is exactly 0 in floating point.
    /// </summary>
    private const double TargetSuppression = 1000.0;

    /// <summary>α·TCKD + β·NCKD, each KL summed over classes and batch, divided by B, times T².</summary>
    /// <param name="student">Student logits [B, C], C &gt; 2.</param>
    /// <param name="teacher">Teacher logits [B, C].</param>
    /// <param name="target">Labels, int64 [B] in [0, C).</param>
    public static DkdLossTerms Compute(Tensor student, Tensor teacher, Tensor target, double alpha,
        double beta, double temperature)
    {
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(student), student);
        LossPreconditions.Matrix(Name, nameof(teacher), teacher);
        LossPreconditions.SameShape(Name, "student logits", student, "teacher logits", teacher);
        LossPreconditions.Positive(Name, nameof(temperature), temperature);
        LossPreconditions.Finite(Name, nameof(alpha), alpha);
        LossPreconditions.Finite(Name, nameof(beta), beta);
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is divided by the batch size");
        // With two classes the non-target distribution has a single class: NCKD is meaningless and
        // was reported to diverge to Inf (mdistiller issue #60).
        if (classes <= 2)
            throw new ArgumentException(
                $"{Name}: DKD needs more than 2 classes (NCKD distils the distribution over the non-target classes, " +
                $"which is degenerate with {classes}; mdistiller issue #60), got logits of shape {LossPreconditions.ShapeText(student)}",
                nameof(student));
        LossPreconditions.Labels(Name, nameof(target), target, batch, classes);

        using var scope = new TensorScope();
        var scale = temperature * temperature / batch;
        var gtMask = F.OneHot(target, classes).To(student.DType);
        var otherMask = gtMask.RSub(1.0);
        var softStudent = student / temperature;
        var softTeacher = teacher / temperature;

        // TCKD: KL between the binary [target, non-target] probabilities; the student's log is taken
        // directly, as in the reference, so an underflowing student probability gives Inf there too.
        var studentBinary = Binary(F.Softmax(softStudent, 1), gtMask, otherMask);
        var teacherBinary = Binary(F.Softmax(softTeacher, 1), gtMask, otherMask);
        var tckd = KlDivergence.Sum(teacherBinary, teacherBinary.Log(), studentBinary.Log(), 1).Sum() * scale;

        // NCKD: KL over the non-target classes, the target removed by the −1000 mask.
        var suppression = gtMask * TargetSuppression;
        var teacherOthers = softTeacher - suppression;
        var studentOthers = softStudent - suppression;
        var nckd = KlDivergence.Sum(F.Softmax(teacherOthers, 1), F.LogSoftmax(teacherOthers, 1),
            F.LogSoftmax(studentOthers, 1), 1).Sum() * scale;

        var total = tckd * alpha + nckd * beta;
        return new DkdLossTerms(tckd.MoveToOuterScope(), nckd.MoveToOuterScope(), total.MoveToOuterScope());
    }

    /// <summary>[Σ_c p·gt, Σ_c p·other] per sample: shape [B, 2].</summary>
    private static Tensor Binary(Tensor probabilities, Tensor gtMask, Tensor otherMask)
    {
        var target = (probabilities * gtMask).Sum(1, keepDim: true);
        var others = (probabilities * otherMask).Sum(1, keepDim: true);
        return Tensors.Cat(new[] { target, others }, 1);
    }
}
