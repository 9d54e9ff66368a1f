using System.Buffers.Binary;
using System.Text;
using SharpDistill.TorchImport;
using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

/// <summary>Images whose header asks for more than the limits are refused before decoding.</summary>
public class ImageLimitsTests
{
    [Fact]
    public void A16000By16000PngIsRefusedFromItsHeader()
    {
        // A valid header for 16000x16000 RGB (768 MB decoded) followed by a tiny IDAT: decoding it
        // would allocate the whole image before finding the data short.
        var png = Png(16000, 16000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png));
        Assert.Contains("16000x16000", e.Message);
        Assert.Contains("beyond the limits", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated the image");
    }

    [Fact]
    public void TheLimitsAreAboveEveryBenchmarkImage()
    {
        // ImageNet's largest training images are about 20 megapixels.
        Assert.True(ImageLimits.MaxPixels >= 5000L * 4000);
        Assert.True(ImageLimits.MaxPixels * 3 <= 256L << 20, "one decoded image may take at most 256 MiB");
    }

    private static byte[] Png(int width, int height)
    {
        var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(output, "IHDR", ihdr);
        Chunk(output, "IDAT", [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]); // an empty zlib stream
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typed));
        output.Write(word);
    }
}
