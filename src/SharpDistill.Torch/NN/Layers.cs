namespace SharpDistill.Torch.NN;

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => F.Relu(input);
}

/// <summary>min(max(x, 0), 6).</summary>
public sealed class ReLU6 : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => F.Relu6(input);
}

public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    private readonly long kernelSize, stride, padding, dilation;
    private readonly bool ceilMode;

    public MaxPool2d(long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    {
        this.kernelSize = kernelSize;
        this.stride = stride ?? kernelSize;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    public long KernelSize => kernelSize;
    public long Stride => stride;
    public long Padding => padding;
    public long Dilation => dilation;
    public bool CeilMode => ceilMode;

    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);
}

public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    private readonly long kernelSize, stride, padding;
    private readonly bool ceilMode, countIncludePad;

    public AvgPool2d(long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        this.kernelSize = kernelSize;
        this.stride = stride ?? kernelSize;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    public long KernelSize => kernelSize;
    public long Stride => stride;
    public long Padding => padding;
    public bool CeilMode => ceilMode;
    public bool CountIncludePad => countIncludePad;

    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad);
}

public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly long height, width;

    public AdaptiveAvgPool2d(long outputSize) : this(outputSize, outputSize) { }

    public AdaptiveAvgPool2d(long height, long width)
    {
        this.height = height;
        this.width = width;
    }

    public long Height => height;
    public long Width => width;

    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, height, width);
}

/// <summary>Zeroes elements with probability p in training mode (scaling the rest by 1/(1−p)); identity in eval mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public Dropout(double p = 0.5)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
        P = p;
    }

    public double P { get; }

    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training);
}

/// <summary>Flattens dimensions startDim..endDim (default: all but the batch dimension).</summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    private readonly long startDim, endDim;

    public Flatten(long startDim = 1, long endDim = -1)
    {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    public long StartDim => startDim;
    public long EndDim => endDim;

    public override Tensor Forward(Tensor input) => input.Flatten(startDim, endDim);
}

/// <summary>Returns its input unchanged (as a new handle, so callers may dispose it freely).</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Alias();
}
