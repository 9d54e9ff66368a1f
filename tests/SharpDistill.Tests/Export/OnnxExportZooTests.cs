using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;
using static SharpDistill.Tests.Export.OnnxRuntimeParity;

namespace SharpDistill.Tests.Export;

/// <summary>
/// Every zoo architecture, exported with random weights and randomised BN statistics, gives the
/// same logits (and pooled features) in ONNX Runtime as SharpDistill's eval-mode forward pass, at
/// batch sizes 1 and 3 from the same file (the batch dimension is dynamic). CIFAR models run at
/// 32×32, ImageNet models at 224×224 (their standard variant is defined for that size only).
/// </summary>
public class OnnxExportZooTests
{
    public static TheoryData<string> ZooNames() => new(ModelZoo.Names);

    [Fact]
    public void TheZooHas28Architectures() => Assert.Equal(28, ModelZoo.Names.Count);

    [Theory]
    [MemberData(nameof(ZooNames))]
    public void OnnxRuntimeMatchesEvalLogits(string name)
    {
        TorchRuntime.EnsureLoaded();
        using var model = ModelZoo.Create(name);
        RandomiseBatchNorms(model, 7);
        model.Eval();
        var size = model.NativeInputSize;
        var onnx = Bytes(OnnxExporter.Build(model, new OnnxExportOptions
        {
            InputSize = (size, size), InChannels = model.InChannels, WithFeatures = true,
        }));
        using var generator = new Generator(11);
        foreach (var batch in new long[] { 1, 3 })
        {
            long[] shape = [batch, model.InChannels, size, size];
            using var input = Tensors.Randn(shape, generator);
            float[] logits, pooled;
            using (Autograd.NoGrad())
            using (var output = model.Forward(input))
            {
                logits = output.Logits.ToArray<float>();
                pooled = output.PooledFeat.ToArray<float>();
            }
            var ort = Run(onnx, input.ToArray<float>(), shape, OnnxExporter.LogitsName, OnnxExporter.FeaturesName);
            AssertClose(logits, ort[0], 1e-4, $"{name} logits, batch {batch}");
            AssertClose(pooled, ort[1], 1e-4, $"{name} pooled features, batch {batch}");
        }
    }
}
