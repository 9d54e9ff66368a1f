using SharpDistill.Data;

namespace SharpDistill.Tests.Transforms;

/// <summary>Small deterministic images for the transform tests.</summary>
internal static class TestImages
{
    public static ByteImage Noise(int width, int height, int channels, int seed)
    {
        var px = new byte[width * height * channels];
        new Random(seed).NextBytes(px);
        return new ByteImage(width, height, channels, px);
    }

    public static ByteImage FromValues(int width, int height, int channels, params int[] values) =>
        new(width, height, channels, values.Select(v => (byte)v).ToArray());

    /// <summary>Pixel (x, y) of an image as an array of its channel values.</summary>
    public static byte[] At(ByteImage image, int x, int y) =>
        Enumerable.Range(0, image.Channels).Select(c => image[x, y, c]).ToArray();
}
