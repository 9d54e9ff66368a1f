using SharpDistill.IO;
using System.Text.Json;
using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Reads a loss reference-vector file (tests/data/README.md): a JSON object with <c>cases</c>, each
/// <c>{method, params, inputs, outputs}</c>. Tensors are <c>{shape, data}</c> (row-major), labels
/// and masks plain lists, scalars plain numbers. Format problems raise
/// <see cref="InvalidDataException"/> naming the file, the case and the key.
/// </summary>
internal sealed class LossVectorFile
{
    private LossVectorFile(string path, IReadOnlyList<LossVectorCase> cases)
    {
        Path = path;
        Cases = cases;
    }

    public string Path { get; }
    public IReadOnlyList<LossVectorCase> Cases { get; }

    public static LossVectorFile Load(string path)
    {
        var document = JsonFile.Parse(path, "loss reference vectors");
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: expected a JSON object with a 'cases' array");
            var list = new List<LossVectorCase>();
            var index = 0;
            foreach (var element in cases.EnumerateArray())
                list.Add(LossVectorCase.Parse(path, index++, element));
            return new LossVectorFile(path, list);
        }
    }
}

/// <summary>One case of a loss reference-vector file, with its JSON copied out of the document.</summary>
public sealed class LossVectorCase
{
    private readonly string file;
    private readonly JsonElement parameters, inputs, outputs;

    private LossVectorCase(string file, int index, string method, JsonElement parameters, JsonElement inputs, JsonElement outputs)
    {
        this.file = file;
        Index = index;
        Method = method;
        this.parameters = parameters;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public int Index { get; }
    public string Method { get; }
    public string Label => $"case {Index} ({Method})";

    public static LossVectorCase Parse(string file, int index, JsonElement element)
    {
        string Where() => $"{file}: case {index}";
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{Where()}: expected a JSON object");
        JsonElement Member(string key, JsonValueKind kind)
        {
            if (!element.TryGetProperty(key, out var value) || value.ValueKind != kind)
                throw new InvalidDataException($"{Where()}: missing '{key}' (expected a JSON {kind.ToString().ToLowerInvariant()})");
            return value.Clone();
        }
        var method = Member("method", JsonValueKind.String).GetString()!;
        return new LossVectorCase(file, index, method, Member("params", JsonValueKind.Object), Member("inputs", JsonValueKind.Object),
            Member("outputs", JsonValueKind.Object));
    }

    /// <summary>The names of the reference outputs, in file order.</summary>
    public IEnumerable<string> OutputNames => outputs.EnumerateObject().Select(p => p.Name);

    public double Param(string key) => Number(parameters, "params", key);

    public double InputNumber(string key) => Number(inputs, "inputs", key);

    /// <summary>An input tensor {shape, data} as a new tensor of the given dtype.</summary>
    public Tensor InputTensor(string key, DType dtype)
    {
        var (shape, data) = TensorValue(inputs, "inputs", key);
        using var exact = Tensor.FromArray(data, shape);
        return exact.To(dtype);
    }

    /// <summary>Integer labels as an int64 tensor [n].</summary>
    public Tensor InputLabels(string key)
    {
        var element = Get(inputs, "inputs", key);
        if (element.ValueKind != JsonValueKind.Array)
            throw Bad($"inputs.{key} must be a list of integer labels");
        var labels = element.EnumerateArray().Select(v => v.TryGetInt64(out var l) ? l : throw Bad($"inputs.{key} must hold integers")).ToArray();
        return Tensor.FromArray(labels);
    }

    /// <summary>
    /// A reference output flattened to doubles, and whether it must match exactly: plain lists
    /// (masks) are exact, numbers and {shape, data} tensors are compared within a tolerance.
    /// </summary>
    public (double[] Values, long[] Shape, bool Exact) Output(string key)
    {
        var element = Get(outputs, "outputs", key);
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return (new[] { element.GetDouble() }, Array.Empty<long>(), false);
            case JsonValueKind.Array:
                var values = element.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad($"outputs.{key} must hold numbers")).ToArray();
                return (values, new long[] { values.Length }, true);
            default:
                var (shape, data) = TensorValue(outputs, "outputs", key);
                return (data, shape, false);
        }
    }

    private (long[] Shape, double[] Data) TensorValue(JsonElement section, string sectionName, string key)
    {
        var element = Get(section, sectionName, key);
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !element.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Array)
            throw Bad($"{sectionName}.{key} must be a tensor {{shape, data}}");
        var shape = shapeElement.EnumerateArray().Select(v => v.TryGetInt64(out var d) && d >= 0 ? d : throw Bad($"{sectionName}.{key}.shape must hold sizes ≥ 0")).ToArray();
        var data = dataElement.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad($"{sectionName}.{key}.data must hold numbers")).ToArray();
        var expected = shape.Aggregate(1L, (a, b) => a * b);
        if (expected != data.Length)
            throw Bad($"{sectionName}.{key} has shape [{string.Join(", ", shape)}] ({expected} values) but {data.Length} data values");
        return (shape, data);
    }

    private double Number(JsonElement section, string sectionName, string key)
    {
        var element = Get(section, sectionName, key);
        return element.ValueKind == JsonValueKind.Number ? element.GetDouble() : throw Bad($"{sectionName}.{key} must be a number");
    }

    private JsonElement Get(JsonElement section, string sectionName, string key) =>
        section.TryGetProperty(key, out var value) ? value : throw Bad($"{sectionName} has no '{key}'");

    private InvalidDataException Bad(string message) => new($"{file}: {Label}: {message}");
}
