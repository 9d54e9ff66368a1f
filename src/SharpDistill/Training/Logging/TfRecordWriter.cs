using System.Buffers.Binary;
using System.Numerics;

namespace SharpDistill.Training.Logging;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: for each record, the length
/// (uint64 LE), the masked CRC32C of those 8 bytes, the payload, and the masked CRC32C of the payload.
/// </summary>
public static class TfRecord
{
    /// <summary>TensorFlow's CRC mask: rotate right by 15 and add a constant (so CRCs of CRCs stay useful).</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>CRC-32C (Castagnoli), as used by TFRecord.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    public static void Write(Stream stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        stream.Write(header);
        stream.Write(payload);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(payload));
        stream.Write(footer);
    }

    /// <summary>Reads every record, verifying both CRCs; throws InvalidDataException on any corruption.</summary>
    public static IEnumerable<byte[]> ReadAll(Stream stream)
    {
        var header = new byte[12];
        while (true)
        {
            var read = stream.ReadAtLeast(header, 12, throwOnEndOfStream: false);
            if (read == 0) yield break;
            if (read < 12) throw new InvalidDataException("truncated TFRecord header");
            var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)) != MaskedCrc32C(header.AsSpan(0, 8)))
                throw new InvalidDataException("TFRecord length CRC mismatch");
            if (length > int.MaxValue) throw new InvalidDataException($"TFRecord length {length} is too large");
            var payload = new byte[length];
            var footer = new byte[4];
            if (stream.ReadAtLeast(payload, payload.Length, false) < payload.Length || stream.ReadAtLeast(footer, 4, false) < 4)
                throw new InvalidDataException("truncated TFRecord");
            if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != MaskedCrc32C(payload))
                throw new InvalidDataException("TFRecord data CRC mismatch");
            yield return payload;
        }
    }
}
