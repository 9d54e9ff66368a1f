using SharpDistill.Pickle;
using System.Buffers.Binary;
using System.Numerics;

namespace SharpDistill.TorchImport;

/// <summary>
/// Reads the stream format torch.save wrote before PyTorch 1.6 (and still writes with
/// <c>_use_new_zipfile_serialization=False</c>): five consecutive pickles — the magic number, the
/// protocol version (1001), system info (byte order, type sizes), the object graph, the list of
/// storage keys — then, for each key in that order, an int64 element count and the raw bytes.
/// </summary>
internal static class LegacyCheckpointReader
{
    public static readonly BigInteger MagicNumber = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const long ProtocolVersion = 1001;

    public static CheckpointContent Read(string path, Stream file, IPickleVocabulary? vocabulary = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("reading PyTorch checkpoints needs a little-endian machine");
        var source = $"'{path}'";
        object? Next(Func<object?, object>? persistentLoad = null) => StrictUnpickler.Load(file, source, persistentLoad, file.Position, vocabulary);

        var magic = Next();
        if (!(magic is BigInteger m && m == MagicNumber))
            throw new CheckpointFormatException($"{source} starts with a pickle but not with PyTorch's magic number, so it is not a torch.save checkpoint");
        var version = Next();
        if (version is not ProtocolVersion)
            throw new CheckpointFormatException($"{source} has legacy protocol version {PickleFormatting.Describe(version)}; only {ProtocolVersion} is supported");
        CheckSystemInfo(source, Next());

        var storages = new StorageTable(legacy: true);
        var root = Next(storages.Resolve);

        var keysOffset = file.Position;
        if (Next() is not List<object?> keys || keys.Any(k => k is not string))
            throw new CheckpointFormatException($"{source}, byte {keysOffset}: expected the list of storage keys after the object pickle");
        foreach (var key in keys.Cast<string>())
        {
            if (!storages.TryGet(key, out var storage))
                throw new CheckpointFormatException($"{source}, byte {file.Position}: storage '{key}' has data but no tensor or storage in the pickle refers to it");
            storage.SetData(ReadStorage(source, file, storage), $"{source} storage '{key}'");
        }
        if (storages.All.FirstOrDefault(s => !keys.Contains(s.Key)) is { } orphan)
            throw new CheckpointFormatException($"{source}: storage '{orphan.Key}' is used by the pickle but its data is not in the file");
        return new CheckpointContent(path, CheckpointFormat.Legacy, root, storages.All);
    }

    private static void CheckSystemInfo(string source, object? info)
    {
        if (info is not PickleDict dict)
            throw new CheckpointFormatException($"{source}: expected a system-info dict after the protocol version, got {PickleFormatting.TypeName(info)}");
        if (dict.TryGetValue("little_endian", out var little) && little is false)
            throw new CheckpointFormatException($"{source} was written on a big-endian machine; only little-endian checkpoints are supported");
    }

    private static byte[] ReadStorage(string source, Stream file, CheckpointStorage storage)
    {
        var offset = file.Position;
        if (file.Length - offset < 8)
            throw new CheckpointFormatException($"{source}, byte {offset}: the file ends where storage '{storage.Key}' should begin (truncated)");
        Span<byte> header = stackalloc byte[8];
        file.ReadExactly(header);
        var count = BinaryPrimitives.ReadInt64LittleEndian(header);
        if (count != storage.ElementCount)
            throw new CheckpointFormatException(
                $"{source}, byte {offset}: storage '{storage.Key}' has {count} elements in the file but the pickle declares {storage.ElementCount}");
        var available = file.Length - file.Position;
        if (storage.ByteCount < 0 || storage.ByteCount > available)
            throw new CheckpointFormatException(
                $"{source}, byte {file.Position}: storage '{storage.Key}' needs {storage.ByteCount} bytes ({storage.ElementCount} {storage.ElementType} elements) but only {available} remain (truncated file)");
        if (storage.ByteCount > Array.MaxLength)
            throw new CheckpointFormatException($"{source}: storage '{storage.Key}' is {storage.ByteCount} bytes; storages over 2 GiB are not supported");
        var bytes = new byte[storage.ByteCount];
        file.ReadExactly(bytes);
        return bytes;
    }
}
