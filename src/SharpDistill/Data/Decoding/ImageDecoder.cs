namespace SharpDistill.Data;

/// <summary>What channels a decoded image should have.</summary>
public enum ImageColorMode
{
    /// <summary>3 channels (Pillow's convert("RGB")), for colour datasets.</summary>
    Rgb,

    /// <summary>1 channel (Pillow's convert("L")), for grayscale datasets.</summary>
    Gray,
}

/// <summary>The file formats the decoder recognises by their leading bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
}

/// <summary>
/// Decodes JPEG (through libjpeg-turbo's TurboJPEG API) and PNG (through libspng) to 8-bit
/// <see cref="ByteImage"/>s, converting the colour model the way Pillow does for torchvision's
/// ImageFolder loader. The format is recognised by content, not by file name. Thread-safe.
/// </summary>
public static class ImageDecoder
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The format of <paramref name="data"/>, recognised by its signature.</summary>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.StartsWith(PngSignature)) return ImageFormat.Png;
        return ImageFormat.Unknown;
    }

    /// <summary>Decodes an in-memory JPEG or PNG. Throws <see cref="ImageDecodeException"/> on bad data.</summary>
    public static ByteImage Decode(ReadOnlySpan<byte> data, ImageColorMode mode = ImageColorMode.Rgb) =>
        DetectFormat(data) switch
        {
            ImageFormat.Jpeg => JpegDecoder.Decode(data, mode),
            ImageFormat.Png => PngDecoder.Decode(data, mode),
            _ => throw new ImageDecodeException(
                $"not a JPEG or PNG image ({DescribeSignature(data)}); only JPEG and PNG are supported: convert other formats first"),
        };

    /// <summary>Reads and decodes a file; failures are <see cref="DatasetException"/>s naming the file.</summary>
    public static ByteImage DecodeFile(string path, ImageColorMode mode = ImageColorMode.Rgb, long? recordIndex = null)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"cannot read image: {e.Message}", path, recordIndex, e);
        }
        try { return Decode(bytes, mode); }
        catch (ImageDecodeException e) { throw new DatasetException(e.Message, path, recordIndex, e); }
    }

    private static string DescribeSignature(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) return "the data is empty";
        if (data.StartsWith("GIF8"u8)) return "it is a GIF";
        if (data.StartsWith("BM"u8)) return "it looks like a BMP";
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8)) return "it is a WebP";
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return "it is a TIFF";
        return "it starts with " + Convert.ToHexString(data[..Math.Min(8, data.Length)]);
    }
}
