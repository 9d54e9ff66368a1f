using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Export;

/// <summary>The ONNX Runtime example of docs/deploy.md, compiled and run (keep the two in step).</summary>
public class DeployDocExampleTests
{
    // --- docs/deploy.md example: begin ---
    /// <summary>Top-1 class index of each image in <paramref name="pixels"/> ([N, C, H, W], already normalised).</summary>
    public static int[] Classify(string onnxPath, float[] pixels, int count)
    {
        using var session = new InferenceSession(onnxPath);
        var shape = session.InputMetadata["input"].Dimensions; // [-1 (batch), C, H, W]
        var input = new DenseTensor<float>(pixels, [count, shape[1], shape[2], shape[3]]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var logits = results.First(r => r.Name == "logits").AsTensor<float>();
        var classes = (int)logits.Dimensions[1];
        return Enumerable.Range(0, count)
            .Select(n => Enumerable.Range(0, classes).MaxBy(c => logits[n, c]))
            .ToArray();
    }
    // --- docs/deploy.md example: end ---

    [Fact]
    public void TheDocumentedExampleClassifiesLikeTheNetwork()
    {
        TorchRuntime.EnsureLoaded();
        using var model = ModelZoo.Create("resnet8", new ModelOptions(NumClasses: 10));
        model.Eval();
        var path = Path.Combine(Path.GetTempPath(), $"sd-doc-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Write(OnnxExporter.Build(model, new OnnxExportOptions { InputSize = (32, 32), InChannels = 3 }), path);
            using var generator = new Generator(1);
            using var input = Tensors.Randn([4, 3, 32, 32], generator);
            int[] expected;
            using (Autograd.NoGrad())
            using (var logits = model.ForwardLogits(input))
            using (var top = logits.ArgMax(1)) expected = top.ToArray<long>().Select(i => (int)i).ToArray();
            Assert.Equal(expected, Classify(path, input.ToArray<float>(), 4));
        }
        finally { File.Delete(path); }
    }
}
