namespace SharpDistill.Torch.Serialization;

/// <summary>The dtype names of the safetensors format and the ones this library reads and writes.</summary>
public static class SafeTensorsDType
{
    private static readonly Dictionary<string, DType> ByName = new(StringComparer.Ordinal)
    {
        ["F32"] = DType.Float32,
        ["F64"] = DType.Float64,
        ["F16"] = DType.Float16,
        ["BF16"] = DType.BFloat16,
        ["I64"] = DType.Int64,
        ["I32"] = DType.Int32,
        ["U8"] = DType.UInt8,
        ["BOOL"] = DType.Bool,
    };

    /// <summary>The supported names, for error messages.</summary>
    public static IReadOnlyCollection<string> SupportedNames => ByName.Keys;

    public static bool TryParse(string name, out DType dtype) => ByName.TryGetValue(name, out dtype);

    public static string NameOf(DType dtype) =>
        ByName.FirstOrDefault(p => p.Value == dtype).Key
        ?? throw new ArgumentException($"dtype {dtype} cannot be stored in a safetensors file by this library");
}
