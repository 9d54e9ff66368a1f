using Onnx;
using SharpDistill.Export;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using static SharpDistill.Tests.Export.OnnxRuntimeParity;

namespace SharpDistill.Tests.Export;

/// <summary>The exporter on modules outside the zoo: a user's own network, unsupported layers, the file it writes.</summary>
public class OnnxExporterTests
{
    private sealed class Unsupported : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => input.Alias();
    }

    private static OnnxExportOptions Options(long size = 8) => new() { InputSize = (size, size), InChannels = 3 };

    [Fact]
    public void ASequentialOfTorchLayersMatchesOnnxRuntime()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new Sequential(new Conv2d(3, 4, 3, stride: 2, padding: 1), new BatchNorm2d(4), new ReLU6(),
            new MaxPool2d(2, 1, padding: 1), new AvgPool2d(2, ceilMode: true, countIncludePad: false), new Dropout(0.3),
            new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 5), new Identity());
        RandomiseBatchNorms(net, 3);
        net.Eval();
        using var generator = new Generator(5);
        using var input = Tensors.Randn([2, 3, 8, 8], generator);
        float[] expected;
        using (Autograd.NoGrad())
        using (var output = net.Forward(input)) expected = output.ToArray<float>();
        var actual = Run(Bytes(OnnxExporter.Build(net, Options())), input.ToArray<float>(), [2, 3, 8, 8], OnnxExporter.LogitsName)[0];
        AssertClose(expected, actual, 1e-5, "sequential");
    }

    [Fact]
    public void AnUnsupportedModuleIsNamedWithItsPath()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new Sequential(new Conv2d(3, 4, 3), new Sequential(new ReLU(), new Unsupported()));
        net.Eval();
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Build(net, Options()));
        Assert.Contains("Unsupported", e.Message);
        Assert.Contains("'1.1'", e.Message);
    }

    [Fact]
    public void ANetworkInTrainingModeIsRefused()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new Sequential(new ReLU());
        var e = Assert.Throws<OnnxExportException>(() => OnnxExporter.Build(net, Options()));
        Assert.Contains("training mode", e.Message);
    }

    [Fact]
    public void TheFileHasOpset13ADynamicBatchAndTheMetadata()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new Sequential(new Flatten(), new Linear(3 * 2 * 2, 2));
        net.Eval();
        var path = Path.Combine(Path.GetTempPath(), $"sd-export-{Guid.NewGuid():N}.onnx");
        try
        {
            var model = OnnxExporter.Build(net, Options(2) with { Metadata = new Dictionary<string, string> { ["mean"] = "[0.5]" } });
            OnnxExporter.Write(model, path);
            var read = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            Assert.Equal(13, read.OpsetImport.Single().Version);
            Assert.Equal("batch", read.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
            Assert.Equal("[0.5]", read.MetadataProps.Single(p => p.Key == "mean").Value);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".tmp-*"));
        }
        finally { File.Delete(path); }
    }
}
