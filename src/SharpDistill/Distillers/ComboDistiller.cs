using SharpDistill.Torch;

namespace SharpDistill.Distillers;

/// <summary>
/// A weighted sum of other methods' distillers over one student and teacher (docs/methods/combo.md):
/// <code>
/// L = CE of the first term (as that method weights it) + Σ_i w_i · (the distillation losses of term i)
/// </code>
/// Each term runs its own training step exactly as it would alone (so a one-term combination with weight
/// 1 is that method), on the first ViewCount views; every other term's cross-entropy is dropped, so the
/// ground truth is counted once. Each term's losses are logged as "&lt;method&gt;.&lt;loss&gt;".
/// </summary>
public sealed class ComboDistiller : Distiller
{
    public const string CrossEntropyLoss = "loss_ce";

    private readonly IReadOnlyList<(Distiller Distiller, double Weight)> terms;

    public ComboDistiller(DistillerParts parts, IReadOnlyList<(Distiller Distiller, double Weight)> terms) : base(parts.Student, parts.Teacher)
    {
        if (terms.Count == 0) throw new ArgumentException("a combination needs at least one term");
        this.terms = terms;
        // The terms' trainable extras (DCD's heads) are the combination's: optimised and checkpointed with the student.
        foreach (var (distiller, _) in terms)
            foreach (var (name, module) in distiller.ExtraModules)
            {
                if (ExtraModules.Any(e => e.Key == name))
                    throw new ArgumentException($"two terms of the combination both train a module called '{name}'");
                AddExtraModule(name, module);
            }
    }

    public override string Method => "combo:" + string.Join("+", terms.Select(t => t.Distiller.Method));

    public override int ViewCount => terms.Max(t => t.Distiller.ViewCount);

    public override bool ReadsTeacherFeatures => terms.Any(t => t.Distiller.ReadsTeacherFeatures);

    public override DistillerStep TrainStep(IReadOnlyList<Tensor> views, Tensor labels, TrainingProgress progress)
    {
        CheckViews(views, ViewCount, Method);
        Tensor? studentLogits = null;
        var losses = new List<KeyValuePair<string, Tensor>>();
        for (var i = 0; i < terms.Count; i++)
        {
            var (distiller, weight) = terms[i];
            var step = distiller.TrainStep(views.Take(distiller.ViewCount).ToList(), labels, progress);
            studentLogits ??= step.StudentLogits;
            foreach (var (name, value) in step.Losses)
            {
                if (name == CrossEntropyLoss)
                {
                    if (i == 0) losses.Insert(0, new(name, value));
                    continue;
                }
                losses.Add(new($"{distiller.Method}.{name}", weight == 1.0 ? value : value * weight));
            }
        }
        return new DistillerStep(studentLogits!, losses);
    }
}
