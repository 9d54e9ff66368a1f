namespace SharpDistill.Data.Transforms;

// PIL.ImageEnhance ops: each blends the image with a "degenerate" version of itself,
// out = degenerate + v·(image − degenerate) (see Blend). With CRLD's factors v < 1 they only
// darken, desaturate, flatten or blur.
public static partial class AugmentOps
{
    /// <summary><c>ImageEnhance.Brightness(img).enhance(v)</c>: blend with black, out = trunc(v·p).</summary>
    public static ByteImage Brightness(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Brightness));
        float alpha = (float)magnitude;
        var output = new ByteImage(image.Width, image.Height, image.Channels);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int i = 0; i < src.Length; i++) dst[i] = Blend(0, src[i], alpha);
        return output;
    }

    /// <summary>
    /// <c>ImageEnhance.Color(img).enhance(v)</c>: blend each pixel with its own luminance
    /// (<see cref="Luminance"/>) replicated to all channels. Identity on grayscale images, whose
    /// pixels are their own luminance.
    /// </summary>
    public static ByteImage Color(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Color));
        if (image.Channels == 1) return image.Clone();
        float alpha = (float)magnitude;
        var output = new ByteImage(image.Width, image.Height, 3);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int i = 0; i < src.Length; i += 3)
        {
            int r = src[i], g = src[i + 1], b = src[i + 2];
            int l = Luminance(r, g, b);
            dst[i] = Blend(l, r, alpha);
            dst[i + 1] = Blend(l, g, alpha);
            dst[i + 2] = Blend(l, b, alpha);
        }
        return output;
    }

    /// <summary>
    /// <c>ImageEnhance.Contrast(img).enhance(v)</c>: blend with a flat image whose value is the mean
    /// luminance rounded half up, μ = int(mean(L) + 0.5).
    /// </summary>
    public static ByteImage Contrast(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Contrast));
        int mean = MeanLuminance(image);
        float alpha = (float)magnitude;
        var output = new ByteImage(image.Width, image.Height, image.Channels);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int i = 0; i < src.Length; i++) dst[i] = Blend(mean, src[i], alpha);
        return output;
    }

    /// <summary>PIL's ImageStat mean of the "L" image, rounded half up.</summary>
    internal static int MeanLuminance(ByteImage image)
    {
        byte[] px = image.Pixels;
        long sum = 0;
        if (image.Channels == 1)
            for (int i = 0; i < px.Length; i++) sum += px[i];
        else
            for (int i = 0; i < px.Length; i += 3) sum += Luminance(px[i], px[i + 1], px[i + 2]);
        long count = (long)image.Width * image.Height;
        return (int)((double)sum / count + 0.5);
    }

    // PIL's SMOOTH kernel [1 1 1; 1 5 1; 1 1 1] / 13; Pillow divides the kernel in float32.
    private const float SmoothEdge = 1f / 13f;
    private const float SmoothCentre = 5f / 13f;

    /// <summary>
    /// <c>ImageEnhance.Sharpness(img).enhance(v)</c>: blend with <c>img.filter(SMOOTH)</c>. The
    /// smoothed interior pixel is Σ kernel·p accumulated in float32 row by row (the row below
    /// first, as Pillow's ImagingFilter3x3 does), rounded half up and clamped; the one-pixel border
    /// keeps the original values, so the blend leaves it unchanged.
    /// </summary>
    public static ByteImage Sharpness(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Sharpness));
        float alpha = (float)magnitude;
        int w = image.Width, h = image.Height, c = image.Channels, row = w * c;
        var output = image.Clone();
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int y = 1; y < h - 1; y++)
        {
            for (int x = 1; x < w - 1; x++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    int i = y * row + x * c + ch;
                    int below = i + row, above = i - row;
                    float ss = 0.5f;
                    ss += src[below - c] * SmoothEdge + src[below] * SmoothEdge + src[below + c] * SmoothEdge;
                    ss += src[i - c] * SmoothEdge + src[i] * SmoothCentre + src[i + c] * SmoothEdge;
                    ss += src[above - c] * SmoothEdge + src[above] * SmoothEdge + src[above + c] * SmoothEdge;
                    int smooth = ss <= 0f ? 0 : ss >= 255f ? 255 : (int)ss;
                    dst[i] = Blend(smooth, src[i], alpha);
                }
            }
        }
        return output;
    }
}
