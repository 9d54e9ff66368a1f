using Google.Protobuf;
using Onnx;
using SharpDistill.Torch;

namespace SharpDistill.Export;

/// <summary>
/// Accumulates the nodes and weights of one ONNX graph. Every value gets a fresh unique name, so
/// layer exporters only pass names along and never need to coordinate. Weights are stored as
/// float32 raw data (little-endian, as the ONNX IR requires).
/// </summary>
public sealed class OnnxGraphBuilder
{
    private int counter;

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "sharpdistill" };

    /// <summary>Spatial size of the model input (height, width) the graph is built for.</summary>
    public (long Height, long Width) InputSize { get; init; }

    /// <summary>A fresh value name with a readable stem.</summary>
    public string Fresh(string stem) => $"{stem}_{counter++}";

    /// <summary>Adds a node; returns the name of its (first) output.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        NodeMulti(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs; returns their names.</summary>
    public IReadOnlyList<string> NodeMulti(string opType, IEnumerable<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType) };
        node.Input.AddRange(inputs);
        for (var i = 0; i < outputCount; i++) node.Output.Add(Fresh(opType.ToLowerInvariant()));
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output.ToArray();
    }

    /// <summary>Adds a float32 weight copied from a (CPU or device) tensor; returns its name.</summary>
    public string Weight(Tensor tensor, string stem)
    {
        using var cpu = tensor.To(Device.Cpu, DType.Float32);
        return Floats(cpu.ToArray<float>(), cpu.Shape, stem);
    }

    /// <summary>Adds a float32 constant; returns its name.</summary>
    public string Floats(float[] values, long[] shape, string stem)
    {
        var name = Fresh(stem);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(shape);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export needs a little-endian machine");
        proto.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds an int64 constant (shapes, split sizes); returns its name.</summary>
    public string Int64s(long[] values, string stem)
    {
        var name = Fresh(stem);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Length);
        proto.Int64Data.AddRange(values);
        Graph.Initializer.Add(proto);
        return name;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
