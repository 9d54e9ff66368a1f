using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>DIST's two weighted relation terms and their sum; disposing it disposes all three.</summary>
/// <param name="Inter">τ²·β·L_inter.</param>
/// <param name="Intra">τ²·γ·L_intra (a zero tensor when γ = 0).</param>
/// <param name="Total">τ²·(β·L_inter + γ·L_intra): no CE.</param>
public sealed record DistLossTerms(Tensor Inter, Tensor Intra, Tensor Total) : IDisposable
{
    public void Dispose()
    {
        Inter.Dispose();
        Intra.Dispose();
        Total.Dispose();
    }
}

/// <summary>
/// DIST, "Knowledge Distillation from A Stronger Teacher" (Huang et al., NeurIPS 2022,
/// arXiv:2205.10536; docs/methods/dist.md): relation matching with Pearson
/// correlation between the softened distributions, per sample (inter-class) and per class across
/// the batch (intra-class).
/// </summary>
public static class DistLoss
{
    private const string Name = "DIST (Huang et al. 2022; docs/methods/dist.md)";

    /// <param name="student">Student logits [B, C].</param>
    /// <param name="teacher">Teacher logits [B, C].</param>
    /// <param name="gamma">Weight of the intra-class term. It correlates each class's probabilities across the
    /// batch, which a batch of one sample cannot do (a constant column has no correlation): with B = 1 the
    /// term contributes 0 (docs/training.md, "Small last batches").</param>
    public static DistLossTerms Compute(Tensor student, Tensor teacher, double beta, double gamma, double tau)
    {
        var (batch, classes) = CheckLogits(student, teacher, tau);
        LossPreconditions.Finite(Name, nameof(beta), beta);
        LossPreconditions.Finite(Name, nameof(gamma), gamma);

        using var scope = new TensorScope();
        var scale = tau * tau;
        var ps = F.Softmax(student / tau, 1);
        var pt = F.Softmax(teacher / tau, 1);
        var inter = InterClass(ps, pt) * (scale * beta);
        var intra = gamma != 0 && batch >= 2 ? IntraClass(ps, pt) * (scale * gamma) : Tensors.Zeros(Array.Empty<long>(), ps.DType, ps.Device);
        var total = inter + intra;
        return new DistLossTerms(inter.MoveToOuterScope(), intra.MoveToOuterScope(), total.MoveToOuterScope());
    }

    /// <summary>L_inter = mean_i [1 − ρ(Ps[i,:], Pt[i,:])], on probability matrices [B, C].</summary>
    public static Tensor InterClass(Tensor studentProbabilities, Tensor teacherProbabilities)
    {
        LossPreconditions.Matrix(Name, nameof(studentProbabilities), studentProbabilities);
        LossPreconditions.SameShape(Name, "student probabilities", studentProbabilities, "teacher probabilities", teacherProbabilities);
        using var scope = new TensorScope();
        return PearsonCorrelation.Rows(studentProbabilities, teacherProbabilities).RSub(1.0).Mean().MoveToOuterScope();
    }

    /// <summary>L_intra = mean_j [1 − ρ(Ps[:,j], Pt[:,j])], on probability matrices [B, C] with B ≥ 2.</summary>
    public static Tensor IntraClass(Tensor studentProbabilities, Tensor teacherProbabilities)
    {
        var (batch, _) = LossPreconditions.Matrix(Name, nameof(studentProbabilities), studentProbabilities);
        LossPreconditions.SameShape(Name, "student probabilities", studentProbabilities, "teacher probabilities", teacherProbabilities);
        CheckIntraBatch(batch);
        using var scope = new TensorScope();
        return PearsonCorrelation.Columns(studentProbabilities, teacherProbabilities).RSub(1.0).Mean().MoveToOuterScope();
    }

    internal static (long Batch, long Classes) CheckLogits(Tensor student, Tensor teacher, double tau)
    {
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(student), student);
        LossPreconditions.Matrix(Name, nameof(teacher), teacher);
        LossPreconditions.SameShape(Name, "student logits", student, "teacher logits", teacher);
        LossPreconditions.Positive(Name, nameof(tau), tau);
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is a mean over the batch");
        LossPreconditions.AtLeast(Name, "the number of classes", classes, 2, "a correlation over classes needs at least two");
        return (batch, classes);
    }

    // Each column has one value per sample: with a single sample it is constant, its correlation
    // is undefined (0 with DIST's eps) and the term would be a constant 1 that teaches nothing.
    private static void CheckIntraBatch(long batch) =>
        LossPreconditions.AtLeast(Name, "the batch size for the intra-class term", batch, 2,
            "the intra-class relation correlates each class's probabilities across the batch (docs/methods/cmkd.md); set gamma = 0 to use the inter-class term alone");
}
