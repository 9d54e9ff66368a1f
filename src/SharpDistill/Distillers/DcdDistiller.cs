using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// DCD (dcd.md §1–2): γ·CE + α_kd·KD + β·(L_contrast + α_c·L_consist) between the projected,
/// normalised pooled features of student and teacher. With kd_weight 0 it is "DCD", with 1 "DCD+KD".
/// The KD term is always computed, as in the reference, so its value is logged even at weight 0.
/// </summary>
public sealed class DcdDistiller : Distiller
{
    private readonly DcdConfig settings;

    public DcdDistiller(ZooModel student, ZooModel teacher, DcdConfig settings, long studentFeatureDim, long teacherFeatureDim)
        : base(student, teacher)
    {
        if (settings.FeatDim < 1) throw new ArgumentException($"distiller.dcd.feat_dim must be positive, got {settings.FeatDim}");
        this.settings = settings;
        Heads = AddExtraModule("dcd", new DcdHeads(studentFeatureDim, teacherFeatureDim, settings.FeatDim));
    }

    public override string Method => "dcd";

    public DcdHeads Heads { get; }

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        using var student = Student.Forward(views[0]);
        using var teacher = TeacherOutput(views[0]);
        var logits = student.Logits.Alias();
        var projectedStudent = Heads.EmbedStudent.Forward(student.PooledFeat);
        // The teacher's features are inference tensors, which autograd may not save for the head's
        // weight gradient; a clone made outside inference mode is an ordinary (constant) tensor.
        var teacherFeature = teacher.PooledFeat.Clone();
        var projectedTeacher = Heads.EmbedTeacher.Forward(teacherFeature);
        using var dcd = DcdLoss.Compute(projectedStudent, projectedTeacher, Heads.Theta, Heads.Bias, settings.ConsistencyWeight);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.Gamma),
            new KeyValuePair<string, Tensor>("loss_kd", KdLoss.Compute(logits, teacher.Logits, settings.KdTemperature) * settings.KdWeight),
            new KeyValuePair<string, Tensor>("loss_dcd", dcd.Total * settings.Beta),
        });
    }
}
