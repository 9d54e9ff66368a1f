namespace SharpDistill.Torch.NN;

/// <summary>Weight initialisations (torch.nn.init), in place and without recording gradients.</summary>
public static class Init
{
    public enum FanMode { FanIn, FanOut }

    /// <summary>(fan_in, fan_out) as PyTorch computes them: dims 1 and 0 times the receptive field size.</summary>
    public static (long FanIn, long FanOut) Fans(Tensor tensor)
    {
        var shape = tensor.Shape;
        if (shape.Length < 2)
            throw new TorchArgumentException("fan in and fan out can not be computed for a tensor with fewer than 2 dimensions");
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Gain for ReLU (√2) or linear/identity (1) layers.</summary>
    public static double Gain(string nonlinearity, double? param = null) => nonlinearity switch
    {
        "relu" => Math.Sqrt(2.0),
        "linear" or "conv2d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3,
        "leaky_relu" => Math.Sqrt(2.0 / (1 + Math.Pow(param ?? 0.01, 2))),
        _ => throw new ArgumentException($"unsupported nonlinearity '{nonlinearity}'"),
    };

    /// <summary>N(0, gain / √fan): kaiming_normal_ (He et al.).</summary>
    public static Tensor KaimingNormal_(Tensor tensor, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu", double a = 0,
        Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        var std = Gain(nonlinearity, a) / Math.Sqrt(mode == FanMode.FanIn ? fanIn : fanOut);
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>U(−b, b) with b = gain·√(3 / fan): kaiming_uniform_.</summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu",
        Generator? generator = null)
    {
        var (fanIn, fanOut) = Fans(tensor);
        var bound = Gain(nonlinearity, a) * Math.Sqrt(3.0 / (mode == FanMode.FanIn ? fanIn : fanOut));
        return Uniform_(tensor, -bound, bound, generator);
    }

    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        return tensor.Normal_(mean, std, generator);
    }

    public static Tensor Uniform_(Tensor tensor, double from = 0, double to = 1, Generator? generator = null)
    {
        using var _ = Autograd.NoGrad();
        return tensor.Uniform_(from, to, generator);
    }

    public static Tensor Constant_(Tensor tensor, double value)
    {
        using var _ = Autograd.NoGrad();
        return tensor.Fill_(value);
    }

    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// PyTorch's default init of Conv2d and Linear (reset_parameters): weight kaiming_uniform_(a=√5),
    /// i.e. U(−1/√fan_in, 1/√fan_in); bias U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void DefaultLayerInit(Tensor weight, Tensor? bias, Generator? generator = null)
    {
        KaimingUniform_(weight, a: Math.Sqrt(5), generator: generator);
        if (bias is null) return;
        var (fanIn, _) = Fans(weight);
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform_(bias, -bound, bound, generator);
    }
}
