using SharpDistill.Pickle;
using System.IO.Compression;
using System.Text;

namespace SharpDistill.TorchImport;

/// <summary>
/// Reads the zip checkpoint torch.save writes since PyTorch 1.6: every entry lives under one
/// top-level folder (the archive name); <c>data.pkl</c> holds the pickled object graph,
/// <c>data/&lt;key&gt;</c> the raw bytes of each storage (stored uncompressed, 64-byte aligned),
/// <c>version</c> the format version and, since PyTorch 2.1, <c>byteorder</c> the byte order.
/// </summary>
internal static class ZipCheckpointReader
{
    public static CheckpointContent Read(string path, Stream file, IPickleVocabulary? vocabulary = null)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"'{path}' is not a readable zip checkpoint (truncated or corrupt): {e.Message}", e);
        }
        using (zip)
        {
            try
            {
                return ReadArchive(path, zip, vocabulary);
            }
            catch (InvalidDataException e)
            {
                // ZipArchive reads its central directory lazily: a damaged one surfaces here, not in the constructor.
                throw new CheckpointFormatException($"'{path}' is not a readable zip checkpoint (corrupt central directory): {e.Message}", e);
            }
        }
    }

    private static CheckpointContent ReadArchive(string path, ZipArchive zip, IPickleVocabulary? vocabulary)
    {
        var prefix = ArchivePrefix(path, zip);
        CheckVersion(path, zip, prefix);
        CheckByteOrder(path, zip, prefix);

        var pickleEntry = prefix + "data.pkl";
        var pickle = ReadEntry(path, zip.GetEntry(pickleEntry)!);
        var storages = new StorageTable(legacy: false);
        var root = StrictUnpickler.Load(pickle, $"'{path}' entry '{pickleEntry}'", storages.Resolve, vocabulary);

        foreach (var storage in storages.All)
        {
            var name = prefix + "data/" + storage.Key;
            var entry = zip.GetEntry(name) ?? throw new CheckpointFormatException(
                $"'{path}': storage entry '{name}' ({storage.ElementType}, {storage.ElementCount} elements) is missing from the archive");
            if (storage.ByteCount < 0 || entry.Length < storage.ByteCount)
                throw new CheckpointFormatException(
                    $"'{path}' entry '{name}' holds {entry.Length} bytes but the pickle declares {storage.ElementCount} {storage.ElementType} elements");
            storage.SetData(ReadEntry(path, entry), $"'{path}' entry '{name}'");
        }
        return new CheckpointContent(path, CheckpointFormat.Zip, root, storages.All);
    }

    /// <summary>The archive folder ("archive/", or the file's stem for files saved by name) that holds data.pkl.</summary>
    private static string ArchivePrefix(string path, ZipArchive zip)
    {
        var candidates = zip.Entries.Select(e => e.FullName)
            .Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length)
            .ToList();
        return candidates.Count switch
        {
            1 => candidates[0][..^"data.pkl".Length],
            0 => throw new CheckpointFormatException(
                $"'{path}' is a zip archive without '<archive>/data.pkl', so it is not a torch.save checkpoint (entries: {EntryList(zip)})"),
            _ => throw new CheckpointFormatException($"'{path}' holds several pickles ({string.Join(", ", candidates)}); expected exactly one"),
        };
    }

    private static void CheckVersion(string path, ZipArchive zip, string prefix)
    {
        // PyTorch reads ".data/version" when present, else "version".
        var entry = zip.GetEntry(prefix + ".data/version") ?? zip.GetEntry(prefix + "version")
            ?? throw new CheckpointFormatException($"'{path}' has no '{prefix}version' entry, so it is not a torch.save checkpoint");
        var text = Encoding.ASCII.GetString(ReadEntry(path, entry)).Trim();
        if (!long.TryParse(text, out var version) || version < 1)
            throw new CheckpointFormatException($"'{path}' entry '{entry.FullName}' should hold a format version number, got '{text}'");
    }

    private static void CheckByteOrder(string path, ZipArchive zip, string prefix)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("reading PyTorch checkpoints needs a little-endian machine");
        if (zip.GetEntry(prefix + "byteorder") is not { } entry) return; // absent before PyTorch 2.1: little-endian
        var order = Encoding.ASCII.GetString(ReadEntry(path, entry)).Trim();
        if (order != "little")
            throw new CheckpointFormatException($"'{path}' stores its tensors in '{order}' byte order; only little-endian checkpoints are supported");
    }

    /// <summary>
    /// Deflate cannot shrink data by more than about 1032:1; an entry that claims more is lying about
    /// its size (a zip bomb) and is refused before anything is allocated. torch.save stores its
    /// entries uncompressed, so real checkpoints are at 1:1.
    /// </summary>
    private const long MaxCompressionRatio = 1100;

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > Array.MaxLength)
            throw new CheckpointFormatException($"'{path}' entry '{entry.FullName}' is {entry.Length} bytes; entries over 2 GiB are not supported");
        if (entry.Length > entry.CompressedLength * MaxCompressionRatio + 4096)
            throw new CheckpointFormatException(
                $"'{path}' entry '{entry.FullName}' claims {entry.Length} bytes from {entry.CompressedLength} compressed ones, " +
                "more than any real compression gives (a zip bomb?); refusing the file");
        try
        {
            using var stream = entry.Open();
            var bytes = new byte[entry.Length];
            stream.ReadExactly(bytes);
            if (Crc32.Compute(bytes) != entry.Crc32)
                throw new InvalidDataException($"its CRC-32 is {Crc32.Compute(bytes):x8} but the archive records {entry.Crc32:x8}");
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new CheckpointFormatException($"'{path}' entry '{entry.FullName}' cannot be read (corrupt or truncated archive): {e.Message}", e);
        }
    }

    private static string EntryList(ZipArchive zip)
    {
        var names = zip.Entries.Select(e => e.FullName).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names.Take(10)) + (names.Count > 10 ? $", ... ({names.Count} in all)" : "");
    }
}
