using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// CMKD (cmkd.md): α·CE + τ²·(β·mean_i ℓ_inter(i) + γ·L_intra) with per-sample Pearson/Spearman
/// mixing by difficulty. A RECONSTRUCTION: the paper's body is not available, so every uncertain
/// choice is a setting (distiller.cmkd.*) with the spec's recommended default.
/// </summary>
public sealed class CmkdDistiller : Distiller
{
    private readonly CmkdConfig config;
    private readonly CmkdSettings settings;

    public CmkdDistiller(ZooModel student, ZooModel teacher, CmkdConfig config) : base(student, teacher)
    {
        this.config = config;
        settings = config.ToSettings();
    }

    public override string Method => "cmkd";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        using var cmkd = CmkdLoss.Compute(logits, teacher, labels, settings);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * config.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", cmkd.Total.Alias()),
        });
    }
}
