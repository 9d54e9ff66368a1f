using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Hinton et al.'s knowledge distillation term (arXiv:1503.02531; docs/methods/kd.md, docs/methods/crld.md):
/// KL(teacher ‖ student) between the temperature-softened distributions, summed over classes and
/// scaled by T².
/// </summary>
public static class KdLoss
{
    private const string Name = "KD (Hinton et al. 2015; docs/methods/kd.md)";

    /// <summary>
    /// L_KD = T² · (1/B) · Σ_i Σ_c p[i,c]·(log p[i,c] − log q[i,c]) with p = softmax(teacher/T) and
    /// log q = log_softmax(student/T). This is the bare term: no CE, no KD weight.
    /// </summary>
    public static Tensor Compute(Tensor student, Tensor teacher, double temperature)
    {
        using var scope = new TensorScope();
        return PerSample(student, teacher, temperature).Mean().MoveToOuterScope();
    }

    /// <summary>
    /// KD_T(student, teacher)[i] = T² · Σ_c p_c·(log p_c − log q_c) per sample, with no batch
    /// reduction (docs/methods/crld.md): shape [B].
    /// </summary>
    public static Tensor PerSample(Tensor student, Tensor teacher, double temperature)
    {
        var (batch, classes) = LossPreconditions.Matrix(Name, nameof(student), student);
        LossPreconditions.Matrix(Name, nameof(teacher), teacher);
        LossPreconditions.SameShape(Name, "student logits", student, "teacher logits", teacher);
        LossPreconditions.Positive(Name, nameof(temperature), temperature);
        LossPreconditions.AtLeast(Name, "the batch size", batch, 1, "the loss is a mean over the batch");
        LossPreconditions.AtLeast(Name, "the number of classes", classes, 1, "a distribution needs at least one class");

        using var scope = new TensorScope();
        var softStudent = student / temperature;
        var softTeacher = teacher / temperature;
        var logQ = F.LogSoftmax(softStudent, 1);
        var logP = F.LogSoftmax(softTeacher, 1);
        var p = F.Softmax(softTeacher, 1);
        var kl = KlDivergence.Sum(p, logP, logQ, 1);
        return (kl * (temperature * temperature)).MoveToOuterScope();
    }
}
