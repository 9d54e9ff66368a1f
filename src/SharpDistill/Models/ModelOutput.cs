using SharpDistill.Torch;

namespace SharpDistill.Models;

/// <summary>
/// What a zoo model's forward pass returns: the logits and the intermediate features that
/// feature-based distillers read (mdistiller's <c>(logits, {feats, preact_feats, pooled_feat})</c>).
/// The output owns every tensor in it (each entry is its own handle, even where two lists show
/// the same tensor) and disposes them all with <see cref="Dispose"/>.
/// </summary>
public sealed class ModelOutput : IDisposable
{
    public ModelOutput(Tensor logits, IReadOnlyList<Tensor> feats, IReadOnlyList<Tensor> preactFeats, Tensor pooledFeat)
    {
        if (feats.Count != preactFeats.Count)
            throw new ArgumentException($"feats ({feats.Count}) and preact_feats ({preactFeats.Count}) must list the same stages");
        Logits = logits;
        Feats = feats;
        PreactFeats = preactFeats;
        PooledFeat = pooledFeat;
    }

    /// <summary>Class scores [N, classes].</summary>
    public Tensor Logits { get; }

    /// <summary>The stage outputs, stem first ([N, C, H, W] each).</summary>
    public IReadOnlyList<Tensor> Feats { get; }

    /// <summary>
    /// The same stages before their final activation, as the reference defines them for each
    /// architecture; where a stage has no activation after it, the entry equals the feature.
    /// </summary>
    public IReadOnlyList<Tensor> PreactFeats { get; }

    /// <summary>The globally pooled penultimate vector fed to the classifier [N, d].</summary>
    public Tensor PooledFeat { get; }

    public void Dispose()
    {
        Logits.Dispose();
        foreach (var t in Feats) t.Dispose();
        foreach (var t in PreactFeats) t.Dispose();
        PooledFeat.Dispose();
    }
}
