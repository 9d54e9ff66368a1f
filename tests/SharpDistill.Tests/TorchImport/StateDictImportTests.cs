using SharpDistill.Pickle;
using SharpDistill.TorchImport;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using static SharpDistill.Tests.TorchImport.CheckpointTestData;

namespace SharpDistill.Tests.TorchImport;

/// <summary>Loading PyTorch-trained weights into SharpDistill modules.</summary>
public class StateDictImportTests
{
    /// <summary>The tiny_net() of make_checkpoints.py, built from SharpDistill layers.</summary>
    private static Sequential TinyNet(long classes = 5) =>
        new(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, classes));

    private static float[] Logits(Module<Tensor, Tensor> net)
    {
        var input = Expected.GetProperty("tiny_net").GetProperty("input");
        using var scope = new TensorScope();
        var x = Tensor.FromArray(Doubles(input.GetProperty("values")).Select(v => (float)v).ToArray(), Longs(input.GetProperty("shape")));
        net.Eval();
        return net.Forward(x).ToArray<float>();
    }

    private static double[] ExpectedLogits() => Doubles(Expected.GetProperty("tiny_net").GetProperty("logits").GetProperty("values"));

    [Theory]
    [InlineData("tiny_net.pth", "top level", CheckpointFormat.Zip)]
    [InlineData("tiny_net_legacy.pth", "top level", CheckpointFormat.Legacy)]
    [InlineData("tiny_net_protocol4.pth", "top level", CheckpointFormat.Zip)]
    [InlineData("wrapped_checkpoint.pth", "['model']", CheckpointFormat.Zip)]
    public void ImportedWeightsReproducePyTorchsLogits(string file, string location, CheckpointFormat format)
    {
        using var net = TinyNet();
        var expected = ExpectedLogits();
        Assert.NotEqual(expected, Logits(net).Select(v => (double)v)); // randomly initialised: different

        var report = TorchCheckpoint.ImportInto(net, PathOf(file));

        var logits = Logits(net);
        Assert.Equal(expected.Length, logits.Length);
        for (var i = 0; i < logits.Length; i++)
            Assert.True(Math.Abs(expected[i] - logits[i]) <= 1e-5, $"logit {i}: PyTorch {expected[i]}, SharpDistill {logits[i]}");
        Assert.Equal(3, net.NamedBuffers().Single(b => b.Key == "1.num_batches_tracked").Value.ToInt64());

        Assert.Equal(format, report.Format);
        Assert.Equal(location, report.StateDictLocation);
        Assert.Equal(9, report.Loaded.Count);
        Assert.Equal(file.StartsWith("wrapped") ? new[] { "module." } : Array.Empty<string>(), report.StrippedPrefixes);
        Assert.Empty(report.Missing.Concat(report.Unexpected).Concat(report.Filled).Concat(report.Ignored).Concat(report.Converted));
    }

    [Fact]
    public void ImportingLeavesNoTensorBehind()
    {
        using var net = TinyNet();
        TorchCheckpoint.ImportInto(net, PathOf("wrapped_checkpoint.pth")); // warm up lazy native state
        var before = TorchRuntime.LiveTensorCount;
        TorchCheckpoint.ImportInto(net, PathOf("wrapped_checkpoint.pth"));
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void LoadStateDictStripsTheDataParallelPrefix()
    {
        var expected = Expected.GetProperty("tiny_net").GetProperty("state_dict");
        var before = TorchRuntime.LiveTensorCount;
        var stateDict = TorchCheckpoint.LoadStateDict(PathOf("wrapped_checkpoint.pth"));
        try
        {
            using var scope = new TensorScope();
            Assert.Equal(expected.EnumerateObject().Select(p => p.Name), stateDict.Keys);
            foreach (var item in expected.EnumerateObject())
            {
                var tensor = stateDict[item.Name];
                Assert.Equal(Longs(item.Value.GetProperty("shape")), tensor.Shape);
                Assert.Equal(item.Value.GetProperty("sum").GetDouble(), tensor.To(DType.Float64).ToArray<double>().Sum(), 9);
            }
            Assert.Equal(DType.Int64, stateDict["1.num_batches_tracked"].DType);
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void AMissingBatchCounterIsFilledWithZeroAsPyTorchDoes()
    {
        using var net = TinyNet();
        // A checkpoint from before PyTorch 0.4.1 has no num_batches_tracked: drop it with the key map.
        var options = new ImportOptions { MapKey = k => k.EndsWith("num_batches_tracked") ? null : k };
        net.NamedBuffers().Single(b => b.Key == "1.num_batches_tracked").Value.Add_(5);

        var report = TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"), options);

        Assert.Equal(new[] { "1.num_batches_tracked" }, report.Filled);
        Assert.Equal(new[] { "1.num_batches_tracked" }, report.Ignored); // dropped by the map
        Assert.Equal(0, net.NamedBuffers().Single(b => b.Key == "1.num_batches_tracked").Value.ToInt64());
        Assert.Equal(8, report.Loaded.Count);
    }

    [Fact]
    public void ABatchCounterTheModuleLacksIsIgnored()
    {
        using var net = new NetWithoutBatchCounter();
        var report = TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"));
        Assert.Equal(new[] { "1.num_batches_tracked" }, report.Ignored);
        Assert.Equal(8, report.Loaded.Count);
        var expectedMean = Doubles(Expected.GetProperty("tiny_net").GetProperty("state_dict").GetProperty("1.running_mean").GetProperty("values"));
        Assert.Equal(expectedMean.Select(v => (float)v), net.NamedBuffers().Single(b => b.Key == "1.running_mean").Value.ToArray<float>());
    }

    [Fact]
    public void AMisShapedModuleIsRefusedWithEveryDifferenceListed()
    {
        using var net = TinyNet(classes: 6);
        var error = Assert.Throws<StateDictMismatchException>(() => TorchCheckpoint.ImportInto(net, PathOf("wrapped_checkpoint.pth")));
        Assert.Equal(new[] { "5.weight: expected [6, 36], got [5, 36]", "5.bias: expected [6], got [5]" }, error.MisShaped);
        Assert.Contains("wrapped_checkpoint.pth' (state dict at ['model'], prefix 'module.' stripped): state dict does not fit Sequential: " +
                        "shape mismatch for 5.weight: expected [6, 36], got [5, 36]; 5.bias: expected [6], got [5]", error.Message);
    }

    [Fact]
    public void StrictImportListsUnexpectedKeysAndChangesNothing()
    {
        using var net = new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4));
        var weightBefore = net.Parameters().First().ToArray<float>();
        var error = Assert.Throws<StateDictMismatchException>(() => TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth")));
        Assert.Equal(new[] { "5.weight", "5.bias" }, error.Unexpected);
        Assert.Empty(error.Missing);
        Assert.Equal(weightBefore, net.Parameters().First().ToArray<float>());
    }

    [Fact]
    public void NonStrictImportLoadsWhatFitsAndReportsTheRest()
    {
        using var net = new Sequential(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new Linear(2, 2));
        var report = TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"), new ImportOptions { Strict = false });
        Assert.Equal(new[] { "5.weight", "5.bias" }, report.Unexpected);
        Assert.Equal(new[] { "3.weight", "3.bias" }, report.Missing);
        Assert.Equal(7, report.Loaded.Count);
        var expected = Doubles(Expected.GetProperty("tiny_net").GetProperty("state_dict").GetProperty("0.bias").GetProperty("values"));
        Assert.Equal(expected.Select(v => (float)v), net.NamedParameters().Single(p => p.Key == "0.bias").Value.ToArray<float>());
        Assert.Contains("missing (2): 3.weight, 3.bias", report.ToString());
    }

    [Fact]
    public void AWrapperPrefixLeftInPlaceIsPointedOut()
    {
        using var net = TinyNet();
        var error = Assert.Throws<StateDictMismatchException>(() =>
            TorchCheckpoint.ImportInto(net, PathOf("wrapped_checkpoint.pth"), new ImportOptions { StripPrefixes = Array.Empty<string>() }));
        Assert.Equal(9, error.Missing.Count);
        Assert.Equal(9, error.Unexpected.Count);
        Assert.Contains("the checkpoint's keys carry the extra prefix 'module.'", error.Message);
    }

    [Fact]
    public void TheKeyMapRenamesEntries()
    {
        // A model whose BatchNorm is named "bn" where the reference implementation says "1".
        using var net = new RenamedNet();
        var report = TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"), new ImportOptions
        {
            MapKey = k => k.StartsWith("1.") ? "bn." + k[2..] : k.StartsWith("0.") ? "conv." + k[2..] : k.StartsWith("5.") ? null : k,
        });
        Assert.Equal(new[] { "conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked" }, report.Loaded);
        Assert.Equal(new[] { "5.weight", "5.bias" }, report.Ignored);
        Assert.Equal(3, net.NamedBuffers().Single(b => b.Key == "bn.num_batches_tracked").Value.ToInt64());
    }

    [Fact]
    public void AKeyMapThatMergesKeysIsRefused()
    {
        using var net = TinyNet();
        var error = Assert.Throws<CheckpointFormatException>(() =>
            TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"), new ImportOptions { MapKey = k => k.EndsWith("bias") ? "bias" : k }));
        Assert.Contains("sends both '0.bias' and '1.bias' to 'bias'", error.Message);
    }

    [Fact]
    public void DTypeConversionsAreReported()
    {
        using var net = TinyNet();
        net.To(Device.Cpu, DType.Float64);
        var report = TorchCheckpoint.ImportInto(net, PathOf("tiny_net.pth"));
        Assert.Contains("0.weight: float32 → float64", report.Converted);
        Assert.Equal(8, report.Converted.Count); // every floating entry, not the int64 counter
    }

    [Fact]
    public void TheStateDictKeyCanBeNamedAndBadChoicesAreExplained()
    {
        using var net = TinyNet();
        var wrapped = PathOf("wrapped_checkpoint.pth");
        Assert.Equal("['model']", TorchCheckpoint.ImportInto(net, wrapped, new ImportOptions { StateDictKey = "model" }).StateDictLocation);

        var notAStateDict = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ImportInto(net, wrapped, new ImportOptions { StateDictKey = "optimizer" }));
        Assert.Contains("entry 'optimizer' is a dict of 2, not a state dict", notAStateDict.Message);
        var absent = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ImportInto(net, wrapped, new ImportOptions { StateDictKey = "ema" }));
        Assert.Contains("has no key 'ema' (top-level keys: 'epoch' (int), 'best_acc' (float), 'arch' (str), 'model' (OrderedDict of 9), 'optimizer' (dict of 2))", absent.Message);

        var none = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ImportInto(net, PathOf("tensor_zoo.pth")));
        Assert.Contains("holds no state dict at its top level nor under 'state_dict', 'model_state_dict', 'model'", none.Message);
    }

    [Fact]
    public void ANarrowIntegerEntryIsNamedWhenItCannotBecomeATensor()
    {
        var zoo = (PickleDict)TorchCheckpoint.Load(PathOf("tensor_zoo.pth")).Root!;
        var error = Assert.Throws<NotSupportedException>(() => StateDictImporter.Materialize("zoo.pth", "int8", (CheckpointTensor)zoo["int8"]!));
        Assert.Contains("'zoo.pth' state dict entry 'int8': this int8 tensor", error.Message);
    }

    /// <summary>Conv and BatchNorm of the tiny net, with a BatchNorm that keeps no batch counter.</summary>
    private sealed class NetWithoutBatchCounter : Module
    {
        public NetWithoutBatchCounter()
        {
            RegisterModule("0", new Conv2d(3, 4, 3, padding: 1));
            RegisterModule("1", new BatchNormWithoutCounter());
            RegisterModule("5", new Linear(36, 5));
        }

        private sealed class BatchNormWithoutCounter : Module
        {
            public BatchNormWithoutCounter()
            {
                RegisterParameter("weight", Tensors.Ones(4));
                RegisterParameter("bias", Tensors.Zeros(4));
                RegisterBuffer("running_mean", Tensors.Zeros(4));
                RegisterBuffer("running_var", Tensors.Ones(4));
            }
        }
    }

    private sealed class RenamedNet : Module
    {
        public RenamedNet()
        {
            RegisterModule("conv", new Conv2d(3, 4, 3, padding: 1));
            RegisterModule("bn", new BatchNorm2d(4));
        }
    }
}
