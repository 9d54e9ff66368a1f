namespace SharpDistill.Data;

/// <summary>
/// Upper bounds on a decoded image, checked from the header before any pixel is decoded, so a
/// small hostile file cannot ask for gigabytes. 64 megapixels (192 MiB as RGB) is well above any
/// image of the benchmark datasets (ImageNet's largest are about 20 megapixels).
/// </summary>
public static class ImageLimits
{
    public const int MaxSide = 1 << 15;
    public const long MaxPixels = 1L << 26;

    public static void Check(int width, int height, string format)
    {
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException($"corrupt or truncated {format} header: it announces an empty image ({width}x{height})");
        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new ImageDecodeException(
                $"the {format} header announces a {width}x{height} image, beyond the limits ({MaxSide} per side, {MaxPixels} pixels)");
    }
}
