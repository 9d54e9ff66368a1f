namespace SharpDistill.Torch.NN;

/// <summary>2-D convolution layer; weight [out, in/groups, k, k]. PyTorch's default initialisation.</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        Weight = RegisterParameter("weight", Tensors.Empty(new[] { outChannels, inChannels / groups, kernelSize, kernelSize }));
        Bias = bias ? RegisterParameter("bias", Tensors.Empty(new[] { outChannels })) : null;
        Init.DefaultLayerInit(Weight, Bias);
    }

    public long InChannels { get; }
    public long OutChannels { get; }
    public long KernelSize { get; }
    public long Stride { get; }
    public long Padding { get; }
    public long Dilation { get; }
    public long Groups { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; private set; }

    public override Tensor Forward(Tensor input)
    {
        var output = F.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);
        ConvBatchNormTrace.Current?.ConvProduced(this, output);
        return output;
    }

    /// <summary>
    /// Replaces this convolution by conv(x)·scale + shift per output channel (what a following
    /// eval-mode batch norm computes), in place: the weight is scaled and the bias becomes
    /// bias·scale + shift (a bias is registered when there was none). See <see cref="BatchNormFolding"/>.
    /// </summary>
    internal void FoldAffine(Tensor scale, Tensor shift)
    {
        using var noGrad = Autograd.NoGrad();
        var weightType = Weight.DType;
        using (var wide = Weight.To(DType.Float64))
        using (var perChannel = scale.View(OutChannels, 1, 1, 1))
        using (var scaled = wide.Mul(perChannel))
        using (var back = scaled.To(weightType))
            Weight.SetData(back);
        if (Bias is null)
        {
            using var newBias = shift.To(weightType);
            var bias = RegisterParameter("bias", newBias.Clone());
            bias.RequiresGrad = Weight.RequiresGrad;
            Bias = bias;
            return;
        }
        using var oldBias = Bias.To(DType.Float64);
        using var product = oldBias.Mul(scale);
        using var folded = product.Add(shift);
        using var narrowed = folded.To(weightType);
        Bias.SetData(narrowed);
    }
}
