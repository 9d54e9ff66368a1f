using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

public sealed class CmkdMethod : MethodDescriptor<CmkdSettings>
{
    public override string Name => "cmkd";
    public override string Help => "CMKD (a reconstruction): DIST with Pearson and Spearman relations mixed per sample by difficulty";

    protected override Distiller Create(CmkdSettings settings, DistillerParts parts) => new CmkdDistiller(parts, settings);

    protected override CrossViewPairLoss CrossViewPair(CmkdSettings settings) => new((s, t, y, p) =>
    {
        using var cmkd = CmkdLoss.Compute(s, t, y, settings);
        return cmkd.Total.Alias();
    }, MinimumBatch: 2);
}

/// <summary>
/// CMKD (cmkd.md): α·CE + τ²·(β·mean_i ℓ_inter(i) + γ·L_intra) with per-sample Pearson/Spearman
/// mixing by difficulty. A RECONSTRUCTION: the paper's body is not available, so every uncertain
/// choice is a setting (distiller.cmkd.*) with the spec's recommended default.
/// </summary>
public sealed class CmkdDistiller : Distiller
{
    private readonly CmkdSettings settings;

    public CmkdDistiller(DistillerParts parts, CmkdSettings settings) : base(parts.Student, parts.Teacher) => this.settings = settings;

    public override string Method => "cmkd";

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, 1, Method);
        var logits = Student.ForwardLogits(views[0]);
        var teacher = TeacherLogits(views[0]);
        using var cmkd = CmkdLoss.Compute(logits, teacher, labels, settings);
        return new DistillerStep(logits, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", CrossEntropyLoss.Compute(logits, labels) * settings.CeWeight),
            new KeyValuePair<string, Tensor>("loss_kd", cmkd.Total.Alias()),
        });
    }
}
