using System.Buffers.Binary;

namespace SharpDistill.TorchImport;

/// <summary>
/// The CRC-32 of zip archives (IEEE 802.3, reflected polynomial 0xEDB88320). .NET's ZipArchive does
/// not check it for stored entries, and PyTorch's reader does, so a flipped bit in a weight is caught
/// here rather than loaded. Eight bytes per step ("slicing by 8"): checkpoints are hundreds of MB.
/// </summary>
internal static class Crc32
{
    // Table[k * 256 + b]: the CRC contribution of byte b followed by k zero bytes.
    private static readonly uint[] Table = BuildTable();

    public static unsafe uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        fixed (uint* t = Table)
        fixed (byte* start = data)
        {
            var p = start;
            var end = start + data.Length;
            for (; end - p >= 8; p += 8)
            {
                var low = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(p, 4)) ^ crc;
                var high = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(p + 4, 4));
                crc = t[7 * 256 + (low & 0xFF)] ^ t[6 * 256 + ((low >> 8) & 0xFF)] ^ t[5 * 256 + ((low >> 16) & 0xFF)] ^ t[4 * 256 + (low >> 24)] ^
                      t[3 * 256 + (high & 0xFF)] ^ t[2 * 256 + ((high >> 8) & 0xFF)] ^ t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
            }
            for (; p < end; p++) crc = t[(crc ^ *p) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        for (var i = 256; i < table.Length; i++) table[i] = (table[i - 256] >> 8) ^ table[table[i - 256] & 0xFF];
        return table;
    }
}
