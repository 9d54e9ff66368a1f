using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpDistill.Data;

/// <summary>
/// Reader for the IDX format of MNIST and Fashion-MNIST: a 4-byte magic number (two zero bytes, an
/// element type code, the number of dimensions), that many big-endian 32-bit sizes, then the
/// elements in row-major order. Files may be gzip-compressed (detected by content, not by name).
/// </summary>
internal static class IdxFile
{
    /// <summary>Magic number of a label file: unsigned bytes (0x08), one dimension.</summary>
    public const int LabelMagic = 2049;

    /// <summary>Magic number of an image file: unsigned bytes (0x08), three dimensions.</summary>
    public const int ImageMagic = 2051;

    /// <summary>Reads a whole file whose magic must be <paramref name="expectedMagic"/>; returns its sizes and bytes.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        try
        {
            using var file = File.OpenRead(path);
            var gzip = IsGzip(file);
            // The most data the file can hold: deflate shrinks by at most about 1032:1, so a header
            // that announces more is refused before its buffer is allocated.
            var maxData = gzip ? file.Length * MaxDeflateRatio : file.Length;
            using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            return ReadFrom(stream, path, expectedMagic, maxData);
        }
        catch (InvalidDataException e)
        {
            // zlib checks the gzip trailer's CRC-32 and length at the end of the stream; .NET reports
            // every inflate failure with the same generic message, so say what it means for this file.
            throw new DatasetException(
                "corrupt gzip data (bad deflate stream, or a CRC-32/length trailer that does not match the data): " +
                "the file is damaged or incomplete; download it again", path, inner: e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new DatasetException($"cannot read: {e.Message}", path, inner: e);
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        var n = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    private const long MaxDeflateRatio = 1032;

    private static (int[] Dims, byte[] Data) ReadFrom(Stream stream, string path, int expectedMagic, long maxData)
    {
        Span<byte> word = stackalloc byte[4];
        ReadExactly(stream, word, path, "the 4-byte magic number");
        var magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
            throw new DatasetException(
                $"bad IDX magic number {magic} (0x{magic:x8}); expected {expectedMagic} (0x{expectedMagic:x8}, " +
                $"{(expectedMagic == ImageMagic ? "an image file" : "a label file")}) — is this the right file?", path);
        var rank = magic & 0xff;
        var dims = new int[rank];
        long total = 1;
        for (var d = 0; d < rank; d++)
        {
            ReadExactly(stream, word, path, $"dimension {d} of the header");
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[d] < 0) throw new DatasetException($"header dimension {d} is negative ({dims[d]})", path);
            total *= dims[d];
            if (total > Array.MaxLength) throw new DatasetException($"header sizes [{string.Join(", ", dims[..(d + 1)])}] are too large", path);
        }
        if (total > maxData)
            throw new DatasetException(
                $"truncated or corrupt: the header announces [{string.Join(", ", dims)}] = {total} bytes of data, more than a file of this size can hold", path);
        var data = new byte[total];
        var got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            var perRecord = rank > 1 ? total / Math.Max(1, dims[0]) : 1;
            throw new DatasetException(
                $"truncated: the header announces [{string.Join(", ", dims)}] = {total} bytes of data but only {got} follow " +
                $"(record {got / Math.Max(1, perRecord)} is the first incomplete one)", path);
        }
        // Reading to the end makes GZipStream check the gzip trailer (CRC-32 and length) and shows
        // trailing bytes that the header does not account for — both signs of a wrong or damaged file.
        if (stream.ReadByte() != -1)
            throw new DatasetException($"the file holds more data than its header [{string.Join(", ", dims)}] announces", path);
        return (dims, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new DatasetException($"truncated: the file ends inside {what}", path);
    }
}
