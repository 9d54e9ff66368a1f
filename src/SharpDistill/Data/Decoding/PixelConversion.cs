namespace SharpDistill.Data;

/// <summary>
/// Colour conversions with Pillow's exact integer arithmetic, so that an image converted here equals
/// the one torchvision's PIL loader (Image.convert) would produce.
/// </summary>
internal static class PixelConversion
{
    /// <summary>Pillow's "L" from RGB: (19595·R + 38470·G + 7471·B + 32768) >> 16.</summary>
    public static byte[] RgbToGray(ReadOnlySpan<byte> rgb)
    {
        var gray = new byte[rgb.Length / 3];
        for (var i = 0; i < gray.Length; i++)
            gray[i] = (byte)((19595 * rgb[3 * i] + 38470 * rgb[3 * i + 1] + 7471 * rgb[3 * i + 2] + 0x8000) >> 16);
        return gray;
    }

    /// <summary>Gray to RGB: each value copied to the three channels.</summary>
    public static byte[] GrayToRgb(ReadOnlySpan<byte> gray)
    {
        var rgb = new byte[gray.Length * 3];
        for (var i = 0; i < gray.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = gray[i];
        return rgb;
    }

    /// <summary>
    /// CMYK as libjpeg returns it for Adobe-style JPEGs (inverted, which Pillow assumes for every CMYK
    /// JPEG: rawmode "CMYK;I") to RGB with Pillow's cmyk2rgb: nk = 255 − K, out = nk − C·nk/255
    /// (rounded with Pillow's MULDIV255).
    /// </summary>
    public static byte[] InvertedCmykToRgb(ReadOnlySpan<byte> cmyk)
    {
        var rgb = new byte[cmyk.Length / 4 * 3];
        for (var i = 0; i < cmyk.Length / 4; i++)
        {
            var nk = cmyk[4 * i + 3]; // 255 − K after un-inverting K
            for (var c = 0; c < 3; c++)
            {
                var ink = 255 - cmyk[4 * i + c];
                rgb[3 * i + c] = (byte)Math.Clamp(nk - MulDiv255(ink, nk), 0, 255);
            }
        }
        return rgb;
    }

    private static int MulDiv255(int a, int b)
    {
        var t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
