using SharpDistill.Distillers.Losses;

namespace SharpDistill.Distillers;

/// <summary>
/// CMKD (docs/methods/cmkd.md): α·CE + τ²·(β·mean_i ℓ_inter(i) + γ·L_intra) with per-sample Pearson/Spearman
/// mixing by difficulty. A RECONSTRUCTION: the paper's body is not available, so every uncertain
/// choice is a setting (distiller.cmkd.*, <see cref="CmkdSettings"/>) with our best reading as its default (docs/methods/cmkd.md).
/// </summary>
public sealed class CmkdMethod : IMethodDescriptor
{
    public string Name => "cmkd";
    public string Help => "CMKD (a reconstruction): DIST with Pearson and Spearman relations mixed per sample by difficulty";
    public object CreateSettings() => new CmkdSettings();

    public Distiller Create(object settings, DistillerParts parts) =>
        new LogitDistiller(Name, parts, ((CmkdSettings)settings).CeWeight, CrossViewPair(settings).Loss);

    public CrossViewPairLoss CrossViewPair(object settings) => new((student, teacher, labels, _) =>
    {
        using var cmkd = CmkdLoss.Compute(student, teacher, labels, (CmkdSettings)settings);
        return cmkd.Total.Alias();
    });
}
