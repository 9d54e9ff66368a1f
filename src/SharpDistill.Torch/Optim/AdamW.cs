namespace SharpDistill.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, PyTorch's rule
/// (torch.optim.AdamW): p ← p·(1 − lr·weight_decay) before the Adam update, and the gradient is
/// left undecayed. PyTorch's default weight decay is 1e-2: see <see cref="AdamOptions.ForAdamW"/>.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, AdamOptions? options = null) : base(parameters, options ?? AdamOptions.ForAdamW()) { }

    public AdamW(IEnumerable<ParamGroup<AdamOptions>> groups) : base(groups) { }

    public override string Name => "AdamW";

    protected override bool DecoupledWeightDecay => true;
}
