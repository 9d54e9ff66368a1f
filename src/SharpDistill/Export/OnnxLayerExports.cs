using SharpDistill.Torch.NN;
using static SharpDistill.Export.OnnxGraphBuilder;

namespace SharpDistill.Export;

/// <summary>The ONNX form of each layer of SharpDistill.Torch.NN, in eval mode (opset 13).</summary>
public static class OnnxLayerExports
{
    public static IReadOnlyDictionary<Type, LayerExport> All { get; } = new Dictionary<Type, LayerExport>
    {
        [typeof(Conv2d)] = (e, m, x) => Conv((Conv2d)m, e.Builder, x),
        [typeof(BatchNorm2d)] = (e, m, x) => BatchNorm((BatchNorm2d)m, e.Builder, x),
        [typeof(Linear)] = (e, m, x) => Gemm((Linear)m, e.Builder, x),
        [typeof(ReLU)] = (e, _, x) => e.Relu(x),
        [typeof(ReLU6)] = (e, _, x) => e.Builder.Node("Clip", [x, e.Builder.Floats([0f], [], "zero"), e.Builder.Floats([6f], [], "six")]),
        [typeof(MaxPool2d)] = (e, m, x) => MaxPool((MaxPool2d)m, e.Builder, x),
        [typeof(AvgPool2d)] = (e, m, x) => AvgPool((AvgPool2d)m, e.Builder, x),
        [typeof(AdaptiveAvgPool2d)] = (e, m, x) => AdaptivePool((AdaptiveAvgPool2d)m, e.Builder, x),
        // Dropout is the identity in eval mode: nothing to emit.
        [typeof(Dropout)] = (_, _, x) => x,
        [typeof(Identity)] = (_, _, x) => x,
        [typeof(Flatten)] = (e, m, x) => FlattenLayer((Flatten)m, e.Builder, x),
        [typeof(Sequential)] = (e, m, x) =>
        {
            foreach (var (name, _) in m.NamedChildren()) x = e.EmitChild(m, name, x);
            return x;
        },
    };

    private static string Conv(Conv2d conv, OnnxGraphBuilder b, string x)
    {
        var inputs = new List<string> { x, b.Weight(conv.Weight, "conv_w") };
        if (conv.Bias is not null) inputs.Add(b.Weight(conv.Bias, "conv_b"));
        var p = conv.Padding;
        return b.Node("Conv", inputs,
            Attr("kernel_shape", conv.KernelSize, conv.KernelSize), Attr("strides", conv.Stride, conv.Stride),
            Attr("pads", p, p, p, p), Attr("dilations", conv.Dilation, conv.Dilation), Attr("group", conv.Groups));
    }

    // Kept as BatchNormalization with the running statistics (inference form); ONNX Runtime folds it
    // into the preceding convolution when it optimises the graph.
    private static string BatchNorm(BatchNorm2d bn, OnnxGraphBuilder b, string x)
    {
        var n = bn.NumFeatures;
        var scale = bn.Weight is null ? b.Floats(Enumerable.Repeat(1f, (int)n).ToArray(), [n], "bn_scale") : b.Weight(bn.Weight, "bn_scale");
        var bias = bn.Bias is null ? b.Floats(new float[n], [n], "bn_bias") : b.Weight(bn.Bias, "bn_bias");
        return b.Node("BatchNormalization", [x, scale, bias, b.Weight(bn.RunningMean, "bn_mean"), b.Weight(bn.RunningVar, "bn_var")],
            Attr("epsilon", (float)bn.Eps));
    }

    private static string Gemm(Linear linear, OnnxGraphBuilder b, string x)
    {
        var inputs = new List<string> { x, b.Weight(linear.Weight, "fc_w") };
        if (linear.Bias is not null) inputs.Add(b.Weight(linear.Bias, "fc_b"));
        return b.Node("Gemm", inputs, Attr("transB", 1L));
    }

    private static string MaxPool(MaxPool2d pool, OnnxGraphBuilder b, string x)
    {
        var p = pool.Padding;
        return b.Node("MaxPool", [x], Attr("kernel_shape", pool.KernelSize, pool.KernelSize), Attr("strides", pool.Stride, pool.Stride),
            Attr("pads", p, p, p, p), Attr("dilations", pool.Dilation, pool.Dilation), Attr("ceil_mode", pool.CeilMode ? 1L : 0L));
    }

    private static string AvgPool(AvgPool2d pool, OnnxGraphBuilder b, string x)
    {
        var p = pool.Padding;
        return b.Node("AveragePool", [x], Attr("kernel_shape", pool.KernelSize, pool.KernelSize), Attr("strides", pool.Stride, pool.Stride),
            Attr("pads", p, p, p, p), Attr("ceil_mode", pool.CeilMode ? 1L : 0L), Attr("count_include_pad", pool.CountIncludePad ? 1L : 0L));
    }

    private static string AdaptivePool(AdaptiveAvgPool2d pool, OnnxGraphBuilder b, string x)
    {
        // Only the global case has an exact ONNX operator; other output sizes depend on the input size.
        if (pool.Height != 1 || pool.Width != 1)
            throw new OnnxExportException($"cannot export AdaptiveAvgPool2d({pool.Height}, {pool.Width}) to ONNX: only the global (1, 1) form is supported");
        return b.Node("GlobalAveragePool", [x]);
    }

    private static string FlattenLayer(Flatten flatten, OnnxGraphBuilder b, string x)
    {
        // ONNX Flatten always yields 2-D: exact for PyTorch's Flatten(startDim, -1) on any rank.
        if (flatten.EndDim != -1 || flatten.StartDim < 0)
            throw new OnnxExportException($"cannot export Flatten({flatten.StartDim}, {flatten.EndDim}) to ONNX: only Flatten(k, -1) is supported");
        return b.Node("Flatten", [x], Attr("axis", flatten.StartDim));
    }
}
