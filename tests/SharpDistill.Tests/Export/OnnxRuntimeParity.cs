using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.Tests.Export;

/// <summary>Shared by the export tests: randomised networks and ONNX Runtime runs.</summary>
internal static class OnnxRuntimeParity
{
    /// <summary>
    /// Gives every batch norm non-trivial statistics and affine parameters, so a wrong epsilon,
    /// a swapped mean/variance or a missing BN would change the logits.
    /// </summary>
    public static void RandomiseBatchNorms(Module network, ulong seed)
    {
        using var generator = new Generator(seed);
        using var _ = Autograd.NoGrad();
        foreach (var (_, module) in network.NamedModules())
        {
            if (module is not BatchNorm2d bn) continue;
            bn.RunningMean.Normal_(0, 0.2, generator);
            bn.RunningVar.Uniform_(0.5, 1.5, generator);
            bn.Weight?.Uniform_(0.5, 1.5, generator);
            bn.Bias?.Normal_(0, 0.2, generator);
        }
    }

    /// <summary>Runs the ONNX model on <paramref name="input"/> ([N, C, H, W]); returns each requested output flattened.</summary>
    public static float[][] Run(byte[] onnx, float[] input, long[] shape, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var tensor = new DenseTensor<float>(input, shape.Select(d => (int)d).ToArray());
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, tensor)], outputs);
        return outputs.Select(name => results.First(r => r.Name == name).AsEnumerable<float>().ToArray()).ToArray();
    }

    /// <summary>Asserts |actual − expected| ≤ tolerance · max|expected| element-wise.</summary>
    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(expected.Max(v => Math.Abs(v)), 1e-6f);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance * scale, $"{what}: max |difference| {worst:g3} exceeds {tolerance:g2} × max |value| {scale:g3}");
    }

    public static byte[] Bytes(Onnx.ModelProto model) => model.ToByteArray();
}
