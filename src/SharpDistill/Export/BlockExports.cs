using SharpDistill.Models.Blocks;
using SharpDistill.Models.Cifar;
using SharpDistill.Torch.NN;
using static SharpDistill.Export.OnnxGraphBuilder;

namespace SharpDistill.Export;

/// <summary>
/// The ONNX form of each building block of the zoo (src/SharpDistill/Models/Blocks and the blocks
/// defined beside their models), in eval mode. Each function mirrors its block's Forward; children
/// are reached by their registered names, the same names the state dict uses.
/// </summary>
public static class BlockExports
{
    /// <summary>Marks a ReLU between named children in <see cref="Chain"/>.</summary>
    internal const string ReluStep = "<relu>";

    public static IReadOnlyDictionary<Type, LayerExport> All { get; } = new Dictionary<Type, LayerExport>
    {
        [typeof(BlockSequence)] = (e, m, x) =>
        {
            foreach (var (name, _) in m.NamedChildren()) x = e.EmitChild(m, name, x);
            return x;
        },
        [typeof(BasicBlock)] = (e, m, x) => Residual(e, (ResidualBlock)m, x, "conv1", "bn1", ReluStep, "conv2", "bn2"),
        [typeof(Bottleneck)] = (e, m, x) =>
            Residual(e, (ResidualBlock)m, x, "conv1", "bn1", ReluStep, "conv2", "bn2", ReluStep, "conv3", "bn3"),
        [typeof(InvertedResidual)] = InvertedResidualExport,
        [typeof(ShuffleV1Block)] = ShuffleV1,
        [typeof(ShuffleV2Block)] = ShuffleV2,
        [typeof(ShuffleV2DownBlock)] = ShuffleV2Down,
        [typeof(NetworkBlock)] = (e, m, x) => e.EmitChild(m, "layer", x),
        [typeof(WideBasicBlock)] = WideBasic,
    };

    /// <summary>Emits the named children of <paramref name="module"/> in order, with <see cref="ReluStep"/> for a ReLU.</summary>
    internal static string Chain(ModuleExporter e, Module module, string x, params string[] steps)
    {
        foreach (var step in steps) x = step == ReluStep ? e.Relu(x) : e.EmitChild(module, step, x);
        return x;
    }

    private static string Residual(ModuleExporter e, ResidualBlock block, string x, params string[] branch)
    {
        var shortcutName = ModuleExporter.TryChild<Module>(block, "downsample") is not null ? "downsample"
            : ModuleExporter.TryChild<Module>(block, "shortcut") is not null ? "shortcut" : null;
        if (block.Activation == ResidualActivation.AtInput) x = e.Relu(x);
        var sum = e.Add(Chain(e, block, x, branch), shortcutName is null ? x : e.EmitChild(block, shortcutName, x));
        return block.Activation == ResidualActivation.AtOutput ? e.Relu(sum) : sum;
    }

    private static string InvertedResidualExport(ModuleExporter e, Module m, string x)
    {
        var conv = e.Child<Sequential>(m, "conv");
        var convs = conv.NamedChildren().Select(c => c.Value).OfType<Conv2d>().ToArray();
        var branch = e.EmitChild(m, "conv", x);
        // The block adds its input when the stride is 1 and the width is kept (as its Forward decides).
        var residual = convs.All(c => c.Stride == 1) && convs[0].InChannels == convs[^1].OutChannels;
        return residual ? e.Add(x, branch) : branch;
    }

    private static string ShuffleV1(ModuleExporter e, Module m, string x)
    {
        var conv1 = e.Child<Conv2d>(m, "conv1");
        var stride = e.Child<Conv2d>(m, "conv2").Stride;
        var h = Chain(e, m, x, "conv1", "bn1", ReluStep);
        if (conv1.Groups > 1) h = e.ChannelShuffle(h, conv1.Groups, conv1.OutChannels);
        var branch = Chain(e, m, h, "conv2", "bn2", ReluStep, "conv3", "bn3");
        var sum = stride == 2
            ? e.Concat(branch, e.Builder.Node("AveragePool", [x], Attr("kernel_shape", 3L, 3L), Attr("strides", 2L, 2L),
                Attr("pads", 1L, 1L, 1L, 1L), Attr("count_include_pad", 1L)))
            : e.Add(branch, x);
        return e.Relu(sum);
    }

    private static string ShuffleV2(ModuleExporter e, Module m, string x)
    {
        var processed = e.Child<Conv2d>(m, "conv1").InChannels;
        var channels = processed * 2;
        var halves = e.Builder.NodeMulti("Split", [x, e.Builder.Int64s([channels / 2, channels - channels / 2], "split")], 2, Attr("axis", 1L));
        var branch = Chain(e, m, halves[1], "conv1", "bn1", ReluStep, "conv2", "bn2", "conv3", "bn3", ReluStep);
        return e.ChannelShuffle(e.Concat(halves[0], branch), 2, channels);
    }

    private static string ShuffleV2Down(ModuleExporter e, Module m, string x)
    {
        var left = Chain(e, m, x, "conv1", "bn1", "conv2", "bn2", ReluStep);
        var right = Chain(e, m, x, "conv3", "bn3", ReluStep, "conv4", "bn4", "conv5", "bn5", ReluStep);
        var channels = e.Child<Conv2d>(m, "conv2").OutChannels + e.Child<Conv2d>(m, "conv5").OutChannels;
        return e.ChannelShuffle(e.Concat(left, right), 2, channels);
    }

    private static string WideBasic(ModuleExporter e, Module m, string x)
    {
        var activated = Chain(e, m, x, "bn1", ReluStep);
        var branch = Chain(e, m, activated, "conv1", "bn2", ReluStep, "conv2");
        // With a width change the shortcut starts from the activated input.
        return ModuleExporter.TryChild<Conv2d>(m, "convShortcut") is null
            ? e.Add(x, branch)
            : e.Add(e.EmitChild(m, "convShortcut", activated), branch);
    }
}
