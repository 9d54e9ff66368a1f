using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Models;

/// <summary>
/// Gathers the features of one forward pass. It never takes ownership of what it is given: it
/// stores its own aliases (new handles to the same tensors), so model code can dispose every
/// intermediate it creates by one simple rule, whether features are being collected or not.
/// </summary>
public sealed class FeatureCollector : IDisposable
{
    private readonly List<Tensor> feats = new();
    private readonly List<Tensor> preacts = new();
    private Tensor? pooled;

    /// <summary>Records a stage whose pre-activation output is the stage output itself.</summary>
    public void AddStage(Tensor feat) => AddStage(feat, feat);

    /// <summary>Records a stage output and its pre-activation counterpart (aliases are stored).</summary>
    public void AddStage(Tensor feat, Tensor preact)
    {
        BatchNormFolding.NoteOtherUse(feat);
        BatchNormFolding.NoteOtherUse(preact);
        feats.Add(feat.Alias());
        preacts.Add(preact.Alias());
    }

    /// <summary>Records the pooled penultimate vector (an alias is stored).</summary>
    public void SetPooled(Tensor pooledFeat)
    {
        BatchNormFolding.NoteOtherUse(pooledFeat);
        pooled?.Dispose();
        pooled = pooledFeat.Alias();
    }

    /// <summary>Hands everything collected, with the logits, to a new <see cref="ModelOutput"/>.</summary>
    public ModelOutput ToOutput(Tensor logits)
    {
        if (pooled is null) throw new InvalidOperationException("the model did not record its pooled feature");
        var output = new ModelOutput(logits, feats.ToArray(), preacts.ToArray(), pooled);
        feats.Clear();
        preacts.Clear();
        pooled = null;
        return output;
    }

    /// <summary>Frees whatever was collected but not handed over (e.g. when a forward pass throws).</summary>
    public void Dispose()
    {
        foreach (var t in feats) t.Dispose();
        foreach (var t in preacts) t.Dispose();
        pooled?.Dispose();
        feats.Clear();
        preacts.Clear();
        pooled = null;
    }
}
