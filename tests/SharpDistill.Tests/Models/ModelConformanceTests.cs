using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Models;

/// <summary>
/// Every model of tests/data/vectors/models.json: exact parameter count, logits, pooled-feature and
/// stage-feature shapes; the logits-only path agrees with the full forward; no tensor handle is left
/// behind once the outputs are disposed.
/// </summary>
public class ModelConformanceTests
{
    public static TheoryData<string> CifarNames => new(ModelVectors.Cifar100.Keys.OrderBy(k => k, StringComparer.Ordinal));

    public static TheoryData<string> ImageNetNames => new(ModelVectors.ImageNet.Keys.OrderBy(k => k, StringComparer.Ordinal));

    [Fact]
    public void TheVectorsListTheWholeZoo()
    {
        var expected = ModelVectors.Cifar100.Keys.Select(k => k)
            .Concat(ModelVectors.ImageNet.Keys.Select(k => "imagenet/" + k))
            .OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(expected, ModelZoo.Names.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CifarNames))]
    public void CifarModelMatchesReference(string name)
    {
        var expected = ModelVectors.Cifar100[name];
        TorchRuntime.ManualSeed(1);
        using var model = ModelZoo.Create(ModelFamily.Cifar, name);
        Assert.Equal(expected.Params, model.ParameterCount());
        using var x = Tensors.Randn(new long[] { 2, 3, 32, 32 });
        var baseline = LiveTensors.Settled();
        // Training mode (batch statistics), so both passes see the same normalisation.
        using (Autograd.NoGrad())
        {
            using var output = model.Forward(x);
            AssertShapes(expected, output);
            using var logits = model.ForwardLogits(x);
            Assert.True(logits.AllClose(output.Logits, 1e-4, 1e-5), $"{name}: ForwardLogits differs from Forward");
        }
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    [Theory]
    [MemberData(nameof(ImageNetNames))]
    public void ImageNetModelMatchesReference(string name)
    {
        var expected = ModelVectors.ImageNet[name];
        TorchRuntime.ManualSeed(1);
        using var model = ModelZoo.Create(ModelFamily.ImageNet, name);
        Assert.Equal(expected.Params, model.ParameterCount());
        model.Eval();
        using var x = Tensors.Randn(new long[] { 1, 3, 224, 224 });
        var baseline = LiveTensors.Settled();
        // 224-pixel inputs are slow on a CPU: inference mode, one pass.
        using (Autograd.InferenceMode())
        {
            using var output = model.Forward(x);
            AssertShapes(expected, output);
            // Every ImageNet model's features are the ReLU of its pre-activation features.
            for (var i = 0; i < output.Feats.Count; i++)
            {
                using var activated = F.Relu(output.PreactFeats[i]);
                Assert.True(activated.Equal(output.Feats[i]), $"{name}: feats[{i}] != relu(preact_feats[{i}])");
            }
        }
        Assert.Equal(baseline, LiveTensors.Settled());
    }

    private static void AssertShapes(ModelVector expected, ModelOutput output)
    {
        Assert.Equal(expected.Logits, output.Logits.Shape);
        Assert.Equal(expected.Pooled, output.PooledFeat.Shape);
        Assert.Equal(expected.Stages.Length, output.Feats.Count);
        for (var i = 0; i < expected.Stages.Length; i++)
        {
            Assert.Equal(expected.Stages[i], output.Feats[i].Shape);
            Assert.Equal(expected.Stages[i], output.PreactFeats[i].Shape);
        }
    }
}
