using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SharpDistill.Torch.Serialization;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the start of the data section.</summary>
public sealed record SafeTensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    public long ByteCount => End - Begin;
}

/// <summary>
/// The parsed and validated header of a safetensors file. Layout (the format's public spec):
/// an unsigned 64-bit little-endian header size N; N bytes of UTF-8 JSON, an object mapping each
/// tensor name to {"dtype", "shape", "data_offsets": [begin, end]} plus an optional "__metadata__"
/// string-to-string map, possibly padded with trailing spaces; then the data section, in which the
/// tensors' byte ranges must tile the whole section without gaps or overlaps.
/// </summary>
public sealed class SafeTensorsHeader
{
    /// <summary>Largest header accepted (the reference implementation's limit): a guard against absurd sizes.</summary>
    public const long MaxHeaderSize = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataOffset)
    {
        Entries = entries;
        Metadata = metadata;
        DataOffset = dataOffset;
    }

    /// <summary>The tensors, ordered by their position in the data section.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Byte position of the data section in the file (8 + header size).</summary>
    public long DataOffset { get; }

    /// <summary>Reads and validates the header of the file open in <paramref name="stream"/>.</summary>
    public static SafeTensorsHeader Read(Stream stream, string path)
    {
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw new SafeTensorsFormatException(path, $"truncated file: {fileLength} bytes, but a safetensors file starts with an 8-byte header size");
        Span<byte> sizeBytes = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(sizeBytes);
        var headerSize = BinaryPrimitives.ReadUInt64LittleEndian(sizeBytes);
        if (headerSize > (ulong)(fileLength - 8))
            throw new SafeTensorsFormatException(path, $"header size {headerSize} is beyond the file size ({fileLength} bytes): the file is truncated or not a safetensors file");
        if (headerSize > MaxHeaderSize)
            throw new SafeTensorsFormatException(path, $"header size {headerSize} exceeds the limit of {MaxHeaderSize} bytes");
        var json = new byte[headerSize];
        stream.ReadExactly(json);
        var dataOffset = 8 + (long)headerSize;
        return Parse(json, fileLength - dataOffset, dataOffset, path);
    }

    private static SafeTensorsHeader Parse(byte[] json, long dataLength, long dataOffset, string path)
    {
        JsonDocument document;
        try
        {
            // Strict UTF-8 first, so that invalid bytes are reported rather than replaced.
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(json);
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw new SafeTensorsFormatException(path, $"header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(path, $"header must be a JSON object, found {document.RootElement.ValueKind}");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<SafeTensorsEntry>();
            IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafeTensorsFormatException(path, $"header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                    metadata = ParseMetadata(property.Value, path);
                else
                    entries.Add(ParseEntry(property.Name, property.Value, path));
            }
            CheckLayout(entries, dataLength, path);
            return new SafeTensorsHeader(entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList(), metadata, dataOffset);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, $"'{MetadataKey}' must be an object of strings, found {element.ValueKind}");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(path, $"metadata entry '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafeTensorsFormatException(path, $"metadata names '{item.Name}' twice");
        }
        return metadata;
    }

    private static SafeTensorsEntry ParseEntry(string name, JsonElement element, string path)
    {
        string Where() => $"tensor '{name}'";
        if (element.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, $"{Where()}: entry must be an object, found {element.ValueKind}");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(path, $"{Where()}: missing or non-string \"dtype\"");
        var dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtypeName, out var dtype))
            throw new SafeTensorsFormatException(path,
                $"{Where()}: unsupported dtype '{dtypeName}' (supported: {string.Join(", ", SafeTensorsDType.SupportedNames)})");
        var shape = ReadIntegers(element, "shape", name, path);
        var offsets = ReadIntegers(element, "data_offsets", name, path);
        if (offsets.Length != 2)
            throw new SafeTensorsFormatException(path, $"{Where()}: \"data_offsets\" must hold exactly [begin, end], found {offsets.Length} numbers");
        var (begin, end) = (offsets[0], offsets[1]);
        if (end < begin)
            throw new SafeTensorsFormatException(path, $"{Where()}: data_offsets [{begin}, {end}] end before they begin");
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafeTensorsFormatException(path, $"{Where()}: shape [{string.Join(", ", shape)}] is too large");
        }
        if (end - begin != expected)
            throw new SafeTensorsFormatException(path,
                $"{Where()}: shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        return new SafeTensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement element, string field, string name, string path)
    {
        if (!element.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(path, $"tensor '{name}': missing or non-array \"{field}\"");
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
                throw new SafeTensorsFormatException(path, $"tensor '{name}': \"{field}\" must hold non-negative integers, found {item.GetRawText()}");
            values.Add(value);
        }
        return values.ToArray();
    }

    /// <summary>The byte ranges must lie inside the data section and tile it exactly (the format forbids gaps and overlaps).</summary>
    private static void CheckLayout(List<SafeTensorsEntry> entries, long dataLength, string path)
    {
        foreach (var entry in entries)
            if (entry.End > dataLength)
                throw new SafeTensorsFormatException(path,
                    $"tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}] are out of range: the data section holds {dataLength} bytes (is the file truncated?)");
        long position = 0;
        SafeTensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < position)
                throw new SafeTensorsFormatException(path,
                    $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{entry.Name}' [{entry.Begin}, {entry.End}] overlap");
            if (entry.Begin > position)
                throw new SafeTensorsFormatException(path, $"bytes {position}..{entry.Begin} of the data section belong to no tensor");
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength)
            throw new SafeTensorsFormatException(path, $"the data section has {dataLength - position} bytes after the last tensor");
    }
}
