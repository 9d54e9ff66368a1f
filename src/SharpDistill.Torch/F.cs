using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>Neural-network functions (PyTorch's <c>torch.nn.functional</c>), each one libtorch call.</summary>
public static unsafe class F
{
    private static long[] Pair(long v) => new[] { v, v };

    private static long[] Two(long[] values, string name) =>
        values.Length switch
        {
            1 => new[] { values[0], values[0] },
            2 => values,
            _ => throw new TorchArgumentException($"{name} needs 1 or 2 values, got {values.Length}"),
        };

    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(Native.sd_linear(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null, out var h), h);

    /// <summary>2-D convolution of an [N, C, H, W] input with a [O, C/groups, kH, kW] weight.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
        long dilation = 1, long groups = 1) =>
        Conv2d(input, weight, bias, Pair(stride), Pair(padding), Pair(dilation), groups);

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
    {
        var s = Two(stride, "stride");
        var p = Two(padding, "padding");
        var d = Two(dilation, "dilation");
        fixed (long* sp = s)
        fixed (long* pp = p)
        fixed (long* dp = d)
            return Tensor.Wrap(Native.sd_conv2d(input.Handle, weight.Handle, bias?.Handle ?? TensorHandle.Null, sp, pp, dp, groups, out var h), h);
    }

    /// <summary>
    /// Batch normalisation. In training mode it normalises with batch statistics and updates the
    /// running statistics in place (running = (1 − momentum)·running + momentum·batch, unbiased variance).
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
        Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(Native.sd_batch_norm(input.Handle, weight?.Handle ?? TensorHandle.Null, bias?.Handle ?? TensorHandle.Null,
            runningMean?.Handle ?? TensorHandle.Null, runningVar?.Handle ?? TensorHandle.Null, training ? 1 : 0, momentum, eps, out var h), h);

    public static Tensor MaxPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    {
        var k = Pair(kernelSize);
        var s = Pair(stride ?? kernelSize);
        var p = Pair(padding);
        var d = Pair(dilation);
        fixed (long* kp = k)
        fixed (long* sp = s)
        fixed (long* pp = p)
        fixed (long* dp = d)
            return Tensor.Wrap(Native.sd_max_pool2d(input.Handle, kp, sp, pp, dp, ceilMode ? 1 : 0, out var h), h);
    }

    public static Tensor AvgPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false,
        bool countIncludePad = true)
    {
        var k = Pair(kernelSize);
        var s = Pair(stride ?? kernelSize);
        var p = Pair(padding);
        fixed (long* kp = k)
        fixed (long* sp = s)
        fixed (long* pp = p)
            return Tensor.Wrap(Native.sd_avg_pool2d(input.Handle, kp, sp, pp, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, out var h), h);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputHeight, long outputWidth)
    {
        var o = new[] { outputHeight, outputWidth };
        fixed (long* op = o) return Tensor.Wrap(Native.sd_adaptive_avg_pool2d(input.Handle, op, out var h), h);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputSize) => AdaptiveAvgPool2d(input, outputSize, outputSize);

    /// <summary>Dropout with libtorch's default generator (seed it with <see cref="TorchRuntime.ManualSeed"/>).</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p < 0 || p > 1) throw new TorchArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
        return Tensor.Wrap(Native.sd_dropout(input.Handle, p, training ? 1 : 0, out var h), h);
    }

    public static Tensor Relu(Tensor input) => input.Unary(Tensor.UnaryOp.Relu);
    public static Tensor Relu6(Tensor input) => input.Unary(Tensor.UnaryOp.Relu6);
    public static Tensor Gelu(Tensor input, bool tanhApproximation = false) =>
        input.Unary(tanhApproximation ? Tensor.UnaryOp.GeluTanh : Tensor.UnaryOp.Gelu);
    public static Tensor Silu(Tensor input) => input.Unary(Tensor.UnaryOp.Silu);
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) =>
        Tensor.Wrap(Native.sd_leaky_relu(input.Handle, negativeSlope, out var h), h);
    public static Tensor Hardtanh(Tensor input, double min = -1, double max = 1) =>
        Tensor.Wrap(Native.sd_hardtanh(input.Handle, min, max, out var h), h);

    public static Tensor Softmax(Tensor input, long dim) => Tensor.Wrap(Native.sd_softmax(input.Handle, dim, out var h), h);
    public static Tensor LogSoftmax(Tensor input, long dim) => Tensor.Wrap(Native.sd_log_softmax(input.Handle, dim, out var h), h);

    /// <summary>
    /// KL divergence Σ target·(log target − input), with <paramref name="input"/> given as
    /// log-probabilities. Both the reduction and whether <paramref name="target"/> is in log space
    /// must be stated by the caller: no defaults, because library defaults differ (TorchSharp's
    /// log_target defaults to true, PyTorch's to false) and silently change the value.
    /// </summary>
    public static Tensor KlDiv(Tensor input, Tensor target, KlReduction reduction, bool logTarget)
    {
        if (reduction != KlReduction.BatchMean)
        {
            var code = reduction switch { KlReduction.None => 0, KlReduction.Mean => 1, _ => 2 };
            return Tensor.Wrap(Native.sd_kl_div(input.Handle, target.Handle, code, logTarget ? 1 : 0, out var h), h);
        }
        if (input.Dim == 0) throw new TorchArgumentException("kl_div with batchmean needs a batch dimension");
        var batch = input.Size(0);
        using var sum = Tensor.Wrap(Native.sd_kl_div(input.Handle, target.Handle, 2, logTarget ? 1 : 0, out var s), s);
        return sum.Div(batch);
    }

    /// <summary>Cross-entropy of logits [N, C] against class indices [N] (int64), with optional label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double labelSmoothing = 0,
        Tensor? weight = null, long ignoreIndex = -100) =>
        Tensor.Wrap(Native.sd_cross_entropy(input.Handle, target.Handle, weight?.Handle ?? TensorHandle.Null, (int)reduction,
            ignoreIndex, labelSmoothing, out var h), h);

    public static Tensor NllLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, Tensor? weight = null, long ignoreIndex = -100) =>
        Tensor.Wrap(Native.sd_nll_loss(input.Handle, target.Handle, weight?.Handle ?? TensorHandle.Null, (int)reduction, ignoreIndex, out var h), h);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.Wrap(Native.sd_mse_loss(input.Handle, target.Handle, (int)reduction, out var h), h);

    /// <summary>x / max(‖x‖_p, eps) along <paramref name="dim"/> (PyTorch's F.normalize).</summary>
    public static Tensor Normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12) =>
        Tensor.Wrap(Native.sd_normalize(input.Handle, p, dim, eps, out var h), h);

    /// <summary>One-hot encoding of int64 labels; <paramref name="numClasses"/> −1 infers it from the data.</summary>
    public static Tensor OneHot(Tensor labels, long numClasses = -1) =>
        Tensor.Wrap(Native.sd_one_hot(labels.Handle, numClasses, out var h), h);

    /// <summary>Channel shuffle (ShuffleNet): [N, g·k, H, W] → transpose groups and channels.</summary>
    public static Tensor ChannelShuffle(Tensor input, long groups) =>
        Tensor.Wrap(Native.sd_channel_shuffle(input.Handle, groups, out var h), h);
}
