using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class ImageDecoderTests
{
    public static TheoryData<string> AllImages => new(TestFiles.Expected.Keys.Order());

    // Every committed JPEG and PNG must decode to exactly what Pillow 9.4 (Debian 12) gives after
    // convert("RGB") and convert("L"): the same libjpeg-turbo decoder, the same colour conversions.
    [Theory]
    [MemberData(nameof(AllImages))]
    public void Decodes_like_pillow(string name)
    {
        var expected = TestFiles.Expected[name];
        var bytes = File.ReadAllBytes(TestFiles.Image(name));

        var rgb = ImageDecoder.Decode(bytes);
        Assert.Equal((expected.Width, expected.Height, 3), (rgb.Width, rgb.Height, rgb.Channels));
        Assert.Equal(expected.Rgb, rgb.Pixels);

        var gray = ImageDecoder.Decode(bytes, ImageColorMode.Gray);
        Assert.Equal((expected.Width, expected.Height, 1), (gray.Width, gray.Height, gray.Channels));
        Assert.Equal(expected.Gray, gray.Pixels);
    }

    [Fact]
    public void The_test_images_cover_every_colour_model()
    {
        var modes = TestFiles.Expected.Values.Select(e => e.Mode).ToHashSet();
        Assert.Superset(new HashSet<string> { "RGB", "RGBA", "L", "LA", "P", "1", "CMYK" }, modes);
        Assert.Equal(ImageFormat.Jpeg, ImageDecoder.DetectFormat(File.ReadAllBytes(TestFiles.Image("cmyk.jpg"))));
        Assert.Equal(ImageFormat.Png, ImageDecoder.DetectFormat(File.ReadAllBytes(TestFiles.Image("rgb_interlaced.png"))));
    }

    [Theory]
    [InlineData("rgb_420.jpg")]
    [InlineData("rgb_progressive.jpg")]
    [InlineData("rgb.png")]
    [InlineData("palette.png")]
    public void Truncated_file_is_an_error(string name)
    {
        var bytes = File.ReadAllBytes(TestFiles.Image(name));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, bytes.Length * 2 / 3)));
        Assert.Contains("corrupt or truncated", e.Message);
    }

    [Fact]
    public void Jpeg_cut_inside_the_header_is_an_error()
    {
        var bytes = File.ReadAllBytes(TestFiles.Image("rgb_444.jpg"));
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes.AsSpan(0, 40)));
        Assert.Contains("truncated JPEG header", e.Message);
    }

    [Fact]
    public void Png_with_a_damaged_data_chunk_is_an_error()
    {
        var bytes = File.ReadAllBytes(TestFiles.Image("rgb.png"));
        var idat = bytes.AsSpan().IndexOf("IDAT"u8);
        bytes[idat + 10] ^= 0xFF; // inside the compressed data: the chunk's CRC no longer matches
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        Assert.Contains("corrupt or truncated PNG", e.Message);
    }

    [Fact]
    public void Jpeg_with_damaged_entropy_data_is_an_error_not_garbage()
    {
        var bytes = File.ReadAllBytes(TestFiles.Image("tiny_a.jpg"));
        // Overwrite the middle of the scan with a marker-like run that libjpeg cannot decode.
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 8; i++) bytes[i] = 0xFF;
        bytes[bytes.Length / 2 + 8] = 0xD0 + 5;
        Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, "GIF")]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 0, 0 }, "BMP")]
    [InlineData(new byte[] { 1, 2, 3, 4 }, "01020304")]
    public void Unsupported_or_unknown_formats_are_named(byte[] bytes, string expected)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        Assert.Contains(expected, e.Message);
        Assert.Contains("only JPEG and PNG", e.Message);
    }

    [Fact]
    public void DecodeFile_errors_name_the_file_and_record()
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.jpg");
        File.WriteAllBytes(path, File.ReadAllBytes(TestFiles.Image("rgb_420.jpg"))[..300]);
        var e = Assert.Throws<DatasetException>(() => ImageDecoder.DecodeFile(path, recordIndex: 17));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(17, e.RecordIndex);
        Assert.IsType<ImageDecodeException>(e.InnerException);

        var missing = Assert.Throws<DatasetException>(() => ImageDecoder.DecodeFile(dir.File("nope.png")));
        Assert.Equal(dir.File("nope.png"), missing.FilePath);
    }

    [Fact]
    public void Png_header_announcing_a_huge_image_is_refused_before_allocating()
    {
        var bytes = File.ReadAllBytes(TestFiles.Image("rgb.png"));
        // IHDR width (big-endian, right after "IHDR") set to 100000 pixels; fix the chunk CRC so
        // only the size is wrong.
        var ihdr = bytes.AsSpan().IndexOf("IHDR"u8);
        bytes[ihdr + 4] = 0; bytes[ihdr + 5] = 0x01; bytes[ihdr + 6] = 0x86; bytes[ihdr + 7] = 0xA0;
        var crc = Crc32(bytes.AsSpan(ihdr, 4 + 13));
        bytes[ihdr + 17] = (byte)(crc >> 24); bytes[ihdr + 18] = (byte)(crc >> 16); bytes[ihdr + 19] = (byte)(crc >> 8); bytes[ihdr + 20] = (byte)crc;
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        Assert.Contains("limit", e.Message);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
