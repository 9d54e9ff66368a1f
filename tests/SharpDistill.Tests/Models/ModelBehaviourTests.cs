using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Models;

/// <summary>
/// What the shape vectors cannot show: state-dict keys (checkpoint import depends on them),
/// initialisations, the meaning of the feature lists, training through autograd, and memory.
/// </summary>
public class ModelBehaviourTests
{
    public static TheoryData<string, string[], string[]> KeyCases => new()
    {
        { "resnet8x4", new[] { "conv1.weight", "bn1.running_mean", "layer1.0.downsample.0.weight", "layer1.0.downsample.1.num_batches_tracked", "layer3.0.conv2.weight", "fc.weight", "fc.bias" }, new[] { "relu" } },
        { "resnet20", new[] { "layer2.0.downsample.0.weight", "layer3.2.bn2.running_var" }, new[] { "layer1.0.downsample.0.weight" } },
        { "wrn_40_2", new[] { "conv1.weight", "block1.layer.0.bn1.weight", "block1.layer.0.convShortcut.weight", "block1.layer.5.conv2.weight", "block3.layer.0.convShortcut.weight", "bn1.running_var", "fc.bias" }, new[] { "bn0", "block1.layer.1.convShortcut.weight" } },
        { "wrn_40_1", new[] { "block2.layer.0.convShortcut.weight" }, new[] { "block1.layer.0.convShortcut.weight" } },
        { "vgg13", new[] { "block0.0.weight", "block0.0.bias", "block0.1.running_mean", "block0.3.weight", "block0.4.bias", "block4.4.weight", "classifier.weight" }, new[] { "block0.5", "pool" } },
        { "MobileNetV2", new[] { "conv1.0.weight", "conv1.1.weight", "blocks.0.0.conv.0.weight", "blocks.0.0.conv.3.weight", "blocks.6.0.conv.7.running_var", "conv2.0.weight", "conv2.1.bias", "classifier.0.weight" }, new[] { "avgpool" } },
        { "ShuffleV1", new[] { "conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer1.0.bn3.weight", "layer2.7.conv3.weight", "layer3.3.bn3.bias", "linear.weight" }, new[] { "shortcut", "shuffle" } },
        { "ShuffleV2", new[] { "layer1.0.conv5.weight", "layer1.0.bn5.running_mean", "layer1.3.conv3.weight", "layer2.7.bn3.bias", "conv2.weight", "bn2.running_mean", "linear.bias" }, new[] { "layer1.4" } },
        { "ResNet18", new[] { "conv1.weight", "layer1.0.conv2.weight", "layer2.0.shortcut.0.weight", "layer2.0.shortcut.1.weight", "layer4.1.bn2.bias", "linear.weight" }, new[] { "layer1.0.shortcut", "fc.weight" } },
        { "ResNet50", new[] { "layer1.0.shortcut.0.weight", "layer4.2.conv3.weight", "layer4.2.bn3.running_var" }, new[] { "layer1.1.shortcut" } },
        { "imagenet/ResNet18", new[] { "conv1.weight", "bn1.num_batches_tracked", "layer1.1.conv2.weight", "layer2.0.downsample.0.weight", "layer4.1.bn2.running_var", "fc.weight" }, new[] { "layer1.0.downsample" } },
        { "imagenet/MobileNetV1", new[] { "model.0.0.weight", "model.0.1.running_mean", "model.1.0.weight", "model.13.3.weight", "model.13.4.num_batches_tracked", "fc.bias" }, new[] { "model.14" } },
    };

    /// <summary>Keys as in the reference PyTorch state dicts, so that foreign checkpoints import by name.</summary>
    [Theory]
    [MemberData(nameof(KeyCases))]
    public void StateDictKeysFollowTheReference(string name, string[] present, string[] absentPrefixes)
    {
        using var model = ModelZoo.Create(name);
        var keys = model.NamedParameters().Concat(model.NamedBuffers()).Select(p => p.Key).ToHashSet();
        foreach (var key in present) Assert.Contains(key, keys);
        foreach (var prefix in absentPrefixes) Assert.DoesNotContain(keys, k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public void StateDictCountsAndShapesMatchTheReference()
    {
        // resnet8: stem conv + BN (1 + 5), 3 blocks × (2 convs + 2 BNs = 12), 2 projections × (1 + 5), FC (2).
        using (var resnet8 = ModelZoo.Create("resnet8")) Assert.Equal(6 + 36 + 12 + 2, resnet8.NamedParameters().Count() + resnet8.NamedBuffers().Count());
        using var shuffle = ModelZoo.Create("ShuffleV1");
        var p = shuffle.NamedParameters().ToDictionary(e => e.Key, e => e.Value.Shape);
        // The first 1×1 conv after the 24-channel stem is ungrouped; its bottleneck is (240 − 24) / 4 = 54 wide.
        Assert.Equal(new long[] { 54, 24, 1, 1 }, p["layer1.0.conv1.weight"]);
        Assert.Equal(new long[] { 216, 18, 1, 1 }, p["layer1.0.conv3.weight"]);
        Assert.Equal(new long[] { 60, 80, 1, 1 }, p["layer2.0.conv1.weight"]);
        using var mobile = ModelZoo.Create("MobileNetV2");
        var m = mobile.NamedParameters().ToDictionary(e => e.Key, e => e.Value.Shape);
        // The expansion conv exists even with expansion 1.
        Assert.Equal(new long[] { 16, 16, 1, 1 }, m["blocks.0.0.conv.0.weight"]);
        Assert.Equal(new long[] { 16, 1, 3, 3 }, m["blocks.0.0.conv.3.weight"]);
    }

    [Fact]
    public void InitialisationsFollowTheReference()
    {
        TorchRuntime.ManualSeed(7);
        using (var resnet = ModelZoo.Create("resnet32x4"))
        {
            var p = Params(resnet);
            AssertStd(p["layer3.0.conv2.weight"], Math.Sqrt(2.0 / (9 * 256)), 0.03);
            AssertStd(p["layer3.0.downsample.0.weight"], Math.Sqrt(2.0 / 256), 0.03);
            AssertAll(p["layer2.1.bn1.weight"], 1);
            AssertAll(p["layer2.1.bn1.bias"], 0);
        }
        using (var wrn = ModelZoo.Create("wrn_40_2"))
        {
            var p = Params(wrn);
            AssertStd(p["block3.layer.1.conv1.weight"], Math.Sqrt(2.0 / (9 * 128)), 0.03);
            AssertAll(p["fc.bias"], 0);
        }
        using (var vgg = ModelZoo.Create("vgg13"))
        {
            var p = Params(vgg);
            AssertStd(p["block4.3.weight"], Math.Sqrt(2.0 / (9 * 512)), 0.03);
            AssertAll(p["block4.3.bias"], 0);
            AssertStd(p["classifier.weight"], 0.01, 0.03);
            AssertAll(p["classifier.bias"], 0);
        }
        using (var mobile = ModelZoo.Create("MobileNetV2"))
        {
            var p = Params(mobile);
            AssertStd(p["classifier.0.weight"], 0.01, 0.03);
            AssertStd(p["conv2.0.weight"], Math.Sqrt(2.0 / 1280), 0.03);
        }
        using (var resnet = ModelZoo.Create("imagenet/ResNet18"))
            AssertStd(Params(resnet)["layer4.0.conv2.weight"], Math.Sqrt(2.0 / (9 * 512)), 0.03);
        using (var mobile = ModelZoo.Create("imagenet/MobileNetV1"))
        {
            // PyTorch's default: U(−1/√fan_in, 1/√fan_in), here fan_in = 1024.
            var w = Params(mobile)["model.13.3.weight"];
            using var max = w.Abs().Consume(t => t.Max());
            Assert.True(max.ToDouble() <= 1 / 32.0);
            AssertStd(w, 1 / 32.0 / Math.Sqrt(3), 0.03);
        }
    }

    [Fact]
    public void FeaturesAreTheActivatedPreactivations()
    {
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var _ = Autograd.NoGrad();
        foreach (var name in new[] { "resnet8", "vgg8", "ShuffleV1", "ResNet18" })
        {
            using var model = ModelZoo.Create(name);
            using var output = model.Forward(x);
            for (var i = 0; i < output.Feats.Count; i++)
            {
                using var activated = F.Relu(output.PreactFeats[i]);
                Assert.True(activated.Equal(output.Feats[i]), $"{name}: feats[{i}] != relu(preact_feats[{i}])");
            }
            // These models pool their last stage output directly.
            using var mean = output.Feats[^1].Mean(new long[] { 2, 3 });
            Assert.True(mean.AllClose(output.PooledFeat, 1e-5, 1e-6), $"{name}: pooled_feat is not the mean of the last stage");
        }
    }

    [Fact]
    public void ShuffleV2PreactivationIsTakenBeforeTheShuffle()
    {
        using var model = ModelZoo.Create("ShuffleV2");
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var _ = Autograd.NoGrad();
        using var output = model.Forward(x);
        for (var i = 1; i < output.Feats.Count; i++)
        {
            using var expected = F.Relu(output.PreactFeats[i]).Consume(t => F.ChannelShuffle(t, 2));
            Assert.True(expected.Equal(output.Feats[i]), $"feats[{i}] != shuffle(relu(preact_feats[{i}]))");
        }
    }

    [Fact]
    public void MobileNetV2PreactivationsRepeatTheFeatures()
    {
        using var model = ModelZoo.Create("MobileNetV2");
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var _ = Autograd.NoGrad();
        using var output = model.Forward(x);
        for (var i = 0; i < output.Feats.Count; i++)
        {
            Assert.NotSame(output.Feats[i], output.PreactFeats[i]);
            Assert.True(output.Feats[i].Equal(output.PreactFeats[i]));
        }
    }

    [Fact]
    public void WideResNetPreactivationIsTheFollowingBatchNorm()
    {
        using var model = ModelZoo.Create("wrn_16_1");
        model.Eval();
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var _ = Autograd.NoGrad();
        using var output = model.Forward(x);
        var bn = model.NamedModules().Single(m => m.Key == "bn1").Value;
        using var expected = ((SharpDistill.Torch.NN.BatchNorm2d)bn).Forward(output.Feats[3]);
        Assert.True(expected.Equal(output.PreactFeats[3]));
        using var pooled = F.Relu(expected).Consume(t => t.Mean(new long[] { 2, 3 }));
        Assert.True(pooled.AllClose(output.PooledFeat, 1e-5, 1e-6));
    }

    /// <summary>The reference re-applies the following BN to get each WRN pre-activation feature: in training mode that updates its statistics twice.</summary>
    [Fact]
    public void WideResNetUpdatesTheReusedBatchNormsTwiceInTraining()
    {
        using var model = ModelZoo.Create("wrn_16_1");
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        using var _ = Autograd.NoGrad();
        model.Forward(x).Dispose();
        Assert.Equal(new long[] { 1, 2, 2, 2 }, Counters(model));
        model.ForwardLogits(x).Dispose();
        Assert.Equal(new long[] { 2, 4, 4, 4 }, Counters(model));
        model.Eval();
        model.Forward(x).Dispose();
        model.ForwardLogits(x).Dispose();
        Assert.Equal(new long[] { 2, 4, 4, 4 }, Counters(model));

        static long[] Counters(ZooModel model) =>
            new[] { "block1.layer.0.bn1", "block2.layer.0.bn1", "block3.layer.0.bn1", "bn1" }
                .Select(n => model.NamedBuffers().Single(b => b.Key == n + ".num_batches_tracked").Value.ToInt64()).ToArray();
    }

    [Theory]
    [InlineData("resnet8")]
    [InlineData("wrn_16_1")]
    [InlineData("ShuffleV1")]
    [InlineData("ShuffleV2")]
    [InlineData("MobileNetV2")]
    public void TrainsThroughAutogradWithoutLeaking(string name)
    {
        using var model = ModelZoo.Create(name);
        using var x = Tensors.Randn(new long[] { 4, 3, 32, 32 });
        using var labels = Tensor.FromArray(new long[] { 0, 1, 2, 3 }, 4);
        var stem = model.NamedParameters().First().Value;
        var baseline = LiveTensors.Settled();
        using (new TensorScope())
        {
            var output = model.Forward(x);
            var loss = F.CrossEntropy(output.Logits, labels) + output.PooledFeat.Mean();
            loss.Backward();
            output.Dispose();
        }
        Assert.Equal(baseline, LiveTensors.Settled());
        // The gradient reached the very first layer (through every shuffle, concatenation and shortcut).
        using (var grad = stem.Grad)
        {
            Assert.NotNull(grad);
            using var norm = grad!.Norm();
            Assert.True(norm.ToDouble() > 0, $"{name}: no gradient at the stem");
        }
        model.ZeroGrad();
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    [Fact]
    public void ForwardAndDisposeInAScopeReturnsToBaseline()
    {
        using var model = ModelZoo.Create("resnet20");
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        var baseline = LiveTensors.Settled();
        using (new TensorScope())
        {
            var output = model.Forward(x);
            var logits = model.ForwardLogits(x);
            output.Dispose();
            logits.Dispose();
            // Nothing but what the outputs held was created: the count is back before the scope ends.
            Assert.Equal(baseline, LiveTensors.Settled());
        }
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    [Fact]
    public void OutputOwnsDistinctHandlesAndDisposesThemAll()
    {
        using var model = ModelZoo.Create("resnet8");
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        var output = model.Forward(x);
        var all = new[] { output.Logits, output.PooledFeat }.Concat(output.Feats).Concat(output.PreactFeats).ToList();
        Assert.Equal(all.Count, all.Distinct(ReferenceEqualityComparer.Instance).Count());
        output.Dispose();
        Assert.All(all, t => Assert.True(t.IsDisposed));
    }

    private static Dictionary<string, Tensor> Params(ZooModel model) => model.NamedParameters().ToDictionary(p => p.Key, p => p.Value);

    private static void AssertStd(Tensor t, double expected, double relativeTolerance)
    {
        using var std = t.Std();
        using var mean = t.Mean();
        var actual = std.ToDouble();
        Assert.True(Math.Abs(actual - expected) <= relativeTolerance * expected, $"std {actual}, expected {expected}");
        Assert.True(Math.Abs(mean.ToDouble()) <= 0.05 * expected, $"mean {mean.ToDouble()}, expected about 0");
    }

    private static void AssertAll(Tensor t, float value) => Assert.All(t.ToArray<float>(), v => Assert.Equal(value, v));
}
