using SharpDistill.Pickle;
using System.Numerics;
using System.Text.Json;
using SharpDistill.TorchImport;
using SharpDistill.Torch;
using static SharpDistill.Tests.TorchImport.CheckpointTestData;

namespace SharpDistill.Tests.TorchImport;

/// <summary>Loading the object graph of real torch.save files, compared with what PyTorch saved.</summary>
public class TorchCheckpointLoadTests
{
    private static PickleDict LoadRoot(string file, CheckpointFormat format)
    {
        var content = TorchCheckpoint.Load(PathOf(file));
        Assert.Equal(format, content.Format);
        return Assert.IsType<PickleDict>(content.Root);
    }

    [Theory]
    [InlineData("tensor_zoo.pth", CheckpointFormat.Zip)]
    [InlineData("tensor_zoo_legacy.pth", CheckpointFormat.Legacy)]
    public void EveryTensorHasPyTorchsGeometryAndValues(string file, CheckpointFormat format)
    {
        var root = LoadRoot(file, format);
        foreach (var item in Expected.GetProperty("tensor_zoo").EnumerateObject())
        {
            var tensor = Assert.IsType<CheckpointTensor>(root[item.Name]);
            var expected = item.Value;
            Assert.Equal(expected.GetProperty("dtype").GetString(), tensor.ElementType.TorchName);
            Assert.Equal(Longs(expected.GetProperty("shape")), tensor.Shape);
            Assert.Equal(Longs(expected.GetProperty("stride")), tensor.Strides);
            Assert.Equal(expected.GetProperty("storage_offset").GetInt64(), tensor.StorageOffset);
            var values = tensor.ToDoubleArray();
            Assert.Equal(Doubles(expected.GetProperty("values")), values);
            AssertClose(expected.GetProperty("sum").GetDouble(), values.Sum(), 1e-12);
        }
    }

    [Theory]
    [InlineData("tensor_zoo.pth", CheckpointFormat.Zip)]
    [InlineData("tensor_zoo_legacy.pth", CheckpointFormat.Legacy)]
    public void TensorsBecomeSharpDistillTensorsOfTheSameDtype(string file, CheckpointFormat format)
    {
        var root = LoadRoot(file, format);
        using var scope = new TensorScope();
        var converted = 0;
        foreach (var item in Expected.GetProperty("tensor_zoo").EnumerateObject())
        {
            var source = (CheckpointTensor)root[item.Name]!;
            if (source.ElementType.DType is not { } dtype) continue;
            var tensor = source.ToTensor();
            Assert.Equal(dtype, tensor.DType);
            Assert.Equal(source.Shape, tensor.Shape);
            Assert.True(tensor.IsContiguous);
            Assert.Equal(Doubles(item.Value.GetProperty("values")), tensor.To(DType.Float64).ToArray<double>());
            converted++;
        }
        Assert.Equal(16, converted); // all 18 but int8 and int16
    }

    [Fact]
    public void IntegersAreExactAndNarrowTypesAreReadableButNotConvertible()
    {
        var root = LoadRoot("tensor_zoo.pth", CheckpointFormat.Zip);
        var zoo = Expected.GetProperty("tensor_zoo");
        Assert.Equal(Longs(zoo.GetProperty("int64").GetProperty("values")), ((CheckpointTensor)root["int64"]!).ToArray<long>());
        Assert.Equal(new short[] { 300, -32768, 32767 }, ((CheckpointTensor)root["int16"]!).ToArray<short>());
        Assert.Equal(new sbyte[] { -128, 0, 127 }, ((CheckpointTensor)root["int8"]!).ToArray<sbyte>());
        Assert.Equal(new[] { true, false, true, true }, ((CheckpointTensor)root["bool"]!).ToArray<bool>());

        var error = Assert.Throws<NotSupportedException>(() => ((CheckpointTensor)root["int16"]!).ToTensor());
        Assert.Contains("int16", error.Message);
        Assert.Contains("ToArray<Int16>", error.Message);
        Assert.Contains("read them as Double", Assert.Throws<ArgumentException>(() => ((CheckpointTensor)root["float64"]!).ToArray<float>()).Message);
    }

    [Theory]
    [InlineData("tensor_zoo.pth", CheckpointFormat.Zip)]
    [InlineData("tensor_zoo_legacy.pth", CheckpointFormat.Legacy)]
    public void TensorsThatSharedMemoryShareOneStorage(string file, CheckpointFormat format)
    {
        var root = LoadRoot(file, format);
        var a = (CheckpointTensor)root["shared_a"]!;
        var b = (CheckpointTensor)root["shared_b"]!;
        Assert.Same(a.Storage, b.Storage);
        Assert.Equal(20, a.Storage.ElementCount);
        Assert.Equal((2L, 11L), (a.StorageOffset, b.StorageOffset));
        Assert.Equal(new[] { 11.0, 13, 15, 17 }, b.ToDoubleArray());
        Assert.False(b.IsContiguous);
        Assert.True(a.IsContiguous);
    }

    [Fact]
    public void ParametersKeepTheirFlags()
    {
        var root = LoadRoot("tensor_zoo.pth", CheckpointFormat.Zip);
        var parameter = (CheckpointTensor)root["parameter"]!;
        var frozen = (CheckpointTensor)root["frozen_parameter"]!;
        Assert.True(parameter.IsParameter && parameter.RequiresGrad);
        Assert.True(frozen.IsParameter);
        Assert.False(frozen.RequiresGrad);
        Assert.False(((CheckpointTensor)root["float64"]!).IsParameter);
    }

    [Theory]
    [InlineData("tensor_zoo.pth", CheckpointFormat.Zip)]
    [InlineData("tensor_zoo_legacy.pth", CheckpointFormat.Legacy)]
    public void PlainPythonValuesComeThrough(string file, CheckpointFormat format)
    {
        var nested = Assert.IsType<PickleDict>(LoadRoot(file, format)["nested"]);
        Assert.Equal(new object?[] { 1L, 2.5, "three", null, true, false }, Assert.IsType<List<object?>>(nested["list"]));
        Assert.Equal(new PickleTuple(1L, new PickleTuple(2L, "x")), nested["tuple"]);
        var intKeys = Assert.IsType<PickleDict>(nested["int_keys"]);
        Assert.Equal(("a", "b"), (intKeys[1L], intKeys[-2L]));
        Assert.Equal(3L, ((PickleDict)nested["tuple_key"]!)[new PickleTuple(1L, "a")]);
        Assert.Equal(BigInteger.Pow(2, 70), nested["big"]);
        Assert.Equal(-BigInteger.Pow(2, 64), nested["negative_big"]);
        Assert.Equal("naïve – ß", nested["unicode"]);
    }

    [Theory]
    [InlineData("tiny_net.pth", CheckpointFormat.Zip)]
    [InlineData("tiny_net_legacy.pth", CheckpointFormat.Legacy)]
    [InlineData("tiny_net_protocol4.pth", CheckpointFormat.Zip)]
    public void AStateDictIsAnOrderedDictWithMetadata(string file, CheckpointFormat format)
    {
        var root = LoadRoot(file, format);
        var expected = Expected.GetProperty("tiny_net").GetProperty("state_dict");
        Assert.True(root.IsOrderedDict);
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), root.Keys.Cast<string>());
        foreach (var item in expected.EnumerateObject())
        {
            var tensor = (CheckpointTensor)root[item.Name]!;
            Assert.Equal(Longs(item.Value.GetProperty("shape")), tensor.Shape);
            AssertClose(item.Value.GetProperty("sum").GetDouble(), tensor.ToDoubleArray().Sum(), 1e-12);
        }
        // PyTorch's per-module versions: BatchNorm is at version 2 (it has num_batches_tracked).
        var metadata = Assert.IsType<PickleDict>(root.Attributes["_metadata"]);
        Assert.Equal(2L, ((PickleDict)metadata["1"]!)["version"]);
    }

    [Fact]
    public void ATrainingCheckpointKeepsItsOptimizerStateAndNumbers()
    {
        var root = LoadRoot("wrapped_checkpoint.pth", CheckpointFormat.Zip);
        var expected = Expected.GetProperty("wrapped_checkpoint");
        Assert.Equal(7L, root["epoch"]);
        Assert.Equal(81.25, root["best_acc"]);
        Assert.Equal("tiny", root["arch"]);
        Assert.Equal(expected.GetProperty("model_keys").EnumerateArray().Select(e => e.GetString()), ((PickleDict)root["model"]!).Keys.Cast<string>());

        var optimizer = (PickleDict)root["optimizer"]!;
        var state = (PickleDict)optimizer["state"]!;
        Assert.Equal(Longs(expected.GetProperty("optimizer_state_keys")), state.Keys.Cast<long>());
        var momentum = (CheckpointTensor)((PickleDict)state[0L]!)["momentum_buffer"]!;
        AssertClose(expected.GetProperty("momentum_buffer_0").GetProperty("sum").GetDouble(), momentum.ToDoubleArray().Sum(), 1e-12);

        var group = (PickleDict)((List<object?>)optimizer["param_groups"]!)[0]!;
        foreach (var item in expected.GetProperty("optimizer_param_groups")[0].EnumerateObject())
            Assert.Equal(JsonValue(item.Value), group[item.Name]);
    }

    private static object? JsonValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number when e.TryGetInt64(out var l) && !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') => l,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(JsonValue).ToList(),
        _ => throw new ArgumentException(e.ToString()),
    };

    private static void AssertClose(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
