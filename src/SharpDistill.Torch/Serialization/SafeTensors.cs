using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SharpDistill.Torch.Serialization;

/// <summary>
/// Reads and writes state dicts in the safetensors format (see <see cref="SafeTensorsHeader"/> for
/// the layout). Files are written atomically with sorted keys, a header padded to 8 bytes, and
/// little-endian data, so the same tensors always give the same bytes.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (any device, any layout) and optional string metadata to <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        RequireLittleEndian();
        var ordered = tensors.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, tensor) in ordered)
        {
            if (name.Length == 0 || name == SafeTensorsHeader.MetadataKey)
                throw new ArgumentException($"cannot save a tensor named '{name}' to {path}: the name is empty or reserved");
            if (tensor.IsDisposed) throw new ObjectDisposedException(name, $"cannot save tensor '{name}' to {path}: it has been disposed");
        }
        var header = BuildHeader(ordered, metadata, path);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> size = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)header.Length);
            stream.Write(size);
            stream.Write(header);
            foreach (var (_, tensor) in ordered)
            {
                var bytes = new byte[TensorBytes.ByteCount(tensor)];
                TensorBytes.CopyTo(tensor, bytes);
                stream.Write(bytes);
            }
        });
    }

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyDictionary<string, string>? metadata, string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                string dtype;
                try { dtype = SafeTensorsDType.NameOf(tensor.DType); }
                catch (ArgumentException e) { throw new ArgumentException($"cannot save tensor '{name}' to {path}: {e.Message}", e); }
                var size = TensorBytes.ByteCount(tensor);
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 bytes so the data section starts aligned.
        var padding = (int)((8 - buffer.Length % 8) % 8);
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// <summary>Reads and validates only the header of <paramref name="path"/> (names, dtypes, shapes, metadata).</summary>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        return SafeTensorsHeader.Read(stream, path);
    }

    /// <summary>Reads every tensor of <paramref name="path"/> into new CPU tensors, owned by the result (or the current scope).</summary>
    public static SafeTensorsFile Load(string path)
    {
        RequireLittleEndian();
        using var stream = OpenRead(path);
        var header = SafeTensorsHeader.Read(stream, path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            stream.Position = header.DataOffset;
            foreach (var entry in header.Entries)
            {
                var bytes = new byte[entry.ByteCount];
                stream.ReadExactly(bytes);
                tensors[entry.Name] = TensorBytes.ToTensor(bytes, entry.DType, entry.Shape);
            }
        }
        catch (Exception e)
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            if (e is EndOfStreamException)
                throw new SafeTensorsFormatException(path, "the file ended while reading tensor data (was it truncated while being read?)", e);
            throw;
        }
        return new SafeTensorsFile(path, tensors, header.Metadata);
    }

    private static FileStream OpenRead(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian machines are not supported");
    }
}

/// <summary>The content of a safetensors file: its tensors (disposed with this object) and metadata.</summary>
public sealed class SafeTensorsFile : IDisposable
{
    internal SafeTensorsFile(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
