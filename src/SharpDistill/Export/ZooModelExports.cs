using SharpDistill.Models;
using SharpDistill.Models.Cifar;
using SharpDistill.Models.ImageNet;
using SharpDistill.Torch.NN;
using static SharpDistill.Export.BlockExports;
using static SharpDistill.Export.OnnxGraphBuilder;

namespace SharpDistill.Export;

/// <summary>The logits and the pooled penultimate feature of an exported network.</summary>
public readonly record struct ExportedHeads(string Logits, string Pooled);

/// <summary>Writes a whole network (input value → logits and pooled feature) as ONNX nodes.</summary>
public delegate ExportedHeads NetworkExport(ModuleExporter exporter, Module network, string input);

/// <summary>
/// The ONNX form of each zoo architecture's eval-mode forward pass (mirroring its Run method). The
/// classifier head is global average pooling: every zoo model pools its whole final map (the fixed
/// kernels of the standard variants must cover it exactly), so the result is the same.
/// </summary>
public static class ZooModelExports
{
    public static IReadOnlyDictionary<Type, NetworkExport> All { get; } = new Dictionary<Type, NetworkExport>
    {
        [typeof(CifarResNet)] = (e, m, x) =>
            Classify(e, m, Chain(e, m, x, "conv1", "bn1", ReluStep, "layer1", "layer2", "layer3"), "fc"),
        [typeof(CifarResNetV2)] = (e, m, x) =>
            Classify(e, m, Chain(e, m, x, "conv1", "bn1", ReluStep, "layer1", "layer2", "layer3", "layer4"), "linear"),
        [typeof(WideResNet)] = (e, m, x) =>
            Classify(e, m, Chain(e, m, x, "conv1", "block1", "block2", "block3", "bn1", ReluStep), "fc"),
        [typeof(Vgg)] = VggExport,
        [typeof(MobileNetV2)] = (e, m, x) => Classify(e, m, Chain(e, m, x, "conv1", "blocks", "conv2"), "classifier"),
        [typeof(ShuffleNetV1)] = (e, m, x) =>
            Classify(e, m, Chain(e, m, x, "conv1", "bn1", ReluStep, "layer1", "layer2", "layer3"), "linear"),
        [typeof(ShuffleNetV2)] = (e, m, x) =>
            Classify(e, m, Chain(e, m, x, "conv1", "bn1", ReluStep, "layer1", "layer2", "layer3", "conv2", "bn2", ReluStep), "linear"),
        [typeof(ImageNetResNet)] = ImageNetResNetExport,
        [typeof(MobileNetV1)] = (e, m, x) => Classify(e, m, e.EmitChild(m, "model", x), "fc"),
        [typeof(SequentialClassifier)] = (e, m, x) => Classify(e, m, e.EmitChild(m, "features", x), "classifier"),
    };

    private static ExportedHeads Classify(ModuleExporter e, Module model, string map, string classifier)
    {
        var pooled = e.GlobalPoolFlatten(map);
        return new ExportedHeads(e.EmitChild(model, classifier, pooled), pooled);
    }

    private static ExportedHeads VggExport(ModuleExporter e, Module m, string x)
    {
        var h = e.Relu(e.EmitChild(m, "block0", x));
        for (var b = 1; b < 5; b++)
        {
            // Max-pool before groups 1, 2 and 3, and before group 4 only for 64-pixel inputs (as Vgg.Run).
            if (b < 4 || e.Builder.InputSize.Height == 64)
                h = e.Builder.Node("MaxPool", [h], Attr("kernel_shape", 2L, 2L), Attr("strides", 2L, 2L));
            h = e.Relu(e.EmitChild(m, $"block{b}", h));
        }
        return Classify(e, m, h, "classifier");
    }

    private static ExportedHeads ImageNetResNetExport(ModuleExporter e, Module m, string x)
    {
        var h = Chain(e, m, x, "conv1", "bn1", ReluStep);
        h = e.Builder.Node("MaxPool", [h], Attr("kernel_shape", 3L, 3L), Attr("strides", 2L, 2L), Attr("pads", 1L, 1L, 1L, 1L));
        // Blocks activate their own input; the last stage's output gets its ReLU here.
        h = Chain(e, m, h, "layer1", "layer2", "layer3", "layer4", ReluStep);
        return Classify(e, m, h, "fc");
    }
}
