using SharpDistill.Config;
using SharpDistill.Distillers.Losses;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// CRLD (crld.md §1), to the letter of the official CRLD.py: two separate student forwards (weak
/// first, then strong, so batch-norm statistics update twice per step), the teacher in eval mode
/// without gradients on both views (two separate calls), confidence masks at temperature 1 with ≥,
/// within-view terms gated by the weak-view mask and cross-view terms by the strong-view mask,
/// means over the full batch, T² on each term, CE on both views; train accuracy from the weak view.
/// </summary>
public sealed class CrldDistiller : Distiller
{
    private readonly CrldLossSettings settings;

    public CrldDistiller(ZooModel student, ZooModel teacher, CrldConfig config) : base(student, teacher) =>
        settings = new CrldLossSettings(config.CeWeight, config.WvWeight, config.CvWeight, config.Temperature, config.TauW, config.TauS);

    public override string Method => "crld";

    public override int ViewCount => 2;

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        var (studentWeak, studentStrong, teacherWeak, teacherStrong) = TwoViewLogits(views);
        using var terms = CrldLoss.Compute(studentWeak, studentStrong, teacherWeak, teacherStrong, labels, settings);
        return new DistillerStep(studentWeak, new[]
        {
            new KeyValuePair<string, Tensor>("loss_ce", terms.Ce.Alias()),
            new KeyValuePair<string, Tensor>("loss_kd_wv", terms.KdWithinView.Alias()),
            new KeyValuePair<string, Tensor>("loss_kd_cv", terms.KdCrossView.Alias()),
        });
    }
}
