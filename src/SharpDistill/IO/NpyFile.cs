using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.IO;

/// <summary>
/// NumPy's .npy format, version 1.0, for float32 arrays in C order (what <c>numpy.load</c> reads):
/// the magic "\x93NUMPY", version bytes 1 0, a little-endian 16-bit header length, an ASCII dict
/// header padded with spaces and ended by a newline so that the data starts at a multiple of 64
/// bytes, then the values little-endian. Written by hand because the format is this small; the
/// one .NET package that writes it (NumSharp) is a whole array library (docs/deploy.md).
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="values"/> with <paramref name="shape"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> values, params int[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape ({string.Join(", ", shape)})", nameof(shape));
            count *= d;
        }
        if (count != values.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values but {values.Length} were given", nameof(shape));
        var header = Header(shape);
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            stream.Write(bytes);
        });
    }

    /// <summary>Magic, version and padded header of a float32 C-order array of <paramref name="shape"/>.</summary>
    private static byte[] Header(int[] shape)
    {
        // A 1-tuple needs its trailing comma in Python: (3,).
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        var prefix = Magic.Length + 2 + 2;
        var unpadded = prefix + dict.Length + 1; // + the final newline
        var padding = (64 - unpadded % 64) % 64;
        var text = dict + new string(' ', padding) + "\n";
        if (text.Length > ushort.MaxValue) throw new ArgumentException("the array has too many dimensions for a version 1.0 header", nameof(shape));
        var header = new byte[prefix + text.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(prefix));
        return header;
    }
}
