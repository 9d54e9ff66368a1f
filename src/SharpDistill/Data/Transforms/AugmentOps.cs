namespace SharpDistill.Data.Transforms;

/// <summary>
/// The 14 operations of CRLD's RandAugment variant (docs/augmentations.md), each a pure function
/// <c>op(image, magnitude)</c> with Pillow 9.4 semantics, bit-exact on 8-bit images. Ops that ignore
/// the magnitude still take it so that all 14 share one signature.
///
/// Grayscale (1-channel) images get what Pillow does to an "L" image: a pixel's luminance is the
/// pixel itself, so Color is the identity and Contrast blends with the rounded mean pixel value;
/// every other op is applied to the single channel exactly as to each RGB channel.
///
/// This file holds the shared helpers; the ops live in AugmentOps.*.cs by kind.
/// </summary>
public static partial class AugmentOps
{
    /// <summary>
    /// PIL's 8-bit RGB→L conversion, L = (19595·R + 38470·G + 7471·B + 2^15) >> 16, i.e.
    /// 0.299R + 0.587G + 0.114B rounded.
    /// </summary>
    public static int Luminance(int r, int g, int b) => (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;

    /// <summary>
    /// One pixel of PIL's <c>Image.blend(degenerate, image, alpha)</c>, which every ImageEnhance
    /// class uses: degenerate + alpha·(image − degenerate) evaluated in single precision (Pillow's
    /// alpha is a C float) and truncated. For alpha outside [0, 1] Pillow clamps to [0, 255] first.
    /// </summary>
    internal static byte Blend(int degenerate, int pixel, float alpha)
    {
        float t = degenerate + alpha * (pixel - degenerate);
        if (alpha >= 0f && alpha <= 1f) return (byte)t;
        return t <= 0f ? (byte)0 : t >= 255f ? (byte)255 : (byte)t;
    }

    /// <summary>Maps every channel value through its channel's 256-entry table.</summary>
    internal static ByteImage ApplyLuts(ByteImage image, byte[][] lutPerChannel)
    {
        int c = image.Channels;
        var output = new ByteImage(image.Width, image.Height, c);
        byte[] src = image.Pixels, dst = output.Pixels;
        if (c == 1)
        {
            var lut = lutPerChannel[0];
            for (int i = 0; i < src.Length; i++) dst[i] = lut[src[i]];
        }
        else
        {
            byte[] l0 = lutPerChannel[0], l1 = lutPerChannel[1], l2 = lutPerChannel[2];
            for (int i = 0; i < src.Length; i += 3)
            {
                dst[i] = l0[src[i]];
                dst[i + 1] = l1[src[i + 1]];
                dst[i + 2] = l2[src[i + 2]];
            }
        }
        return output;
    }

    internal static ByteImage ApplyLut(ByteImage image, byte[] lut)
    {
        var output = new ByteImage(image.Width, image.Height, image.Channels);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int i = 0; i < src.Length; i++) dst[i] = lut[src[i]];
        return output;
    }

    /// <summary>256-bin histogram of one channel.</summary>
    internal static int[] Histogram(ByteImage image, int channel)
    {
        var h = new int[256];
        byte[] px = image.Pixels;
        for (int i = channel; i < px.Length; i += image.Channels) h[px[i]]++;
        return h;
    }

    private static void CheckImage(ByteImage image) => ArgumentNullException.ThrowIfNull(image);

    private static void CheckFinite(double magnitude, string op)
    {
        if (!double.IsFinite(magnitude)) throw new ArgumentException($"{op}: magnitude must be finite, got {magnitude}");
    }
}
