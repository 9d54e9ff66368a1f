namespace SharpDistill.Torch.NN;

/// <summary>y = x·Wᵀ + b; weight [out, in]. PyTorch's default initialisation.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensors.Empty(new[] { outFeatures, inFeatures }));
        Bias = bias ? RegisterParameter("bias", Tensors.Empty(new[] { outFeatures })) : null;
        Init.DefaultLayerInit(Weight, Bias);
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);
}
