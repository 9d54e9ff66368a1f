namespace SharpDistill.Data.Transforms;

// Table-lookup ops: AutoContrast, Equalize, Posterize, Solarize (PIL.ImageOps), and Identity.
public static partial class AugmentOps
{
    /// <summary>Returns an unchanged copy.</summary>
    public static ByteImage Identity(ByteImage image, double magnitude = 0)
    {
        CheckImage(image);
        return image.Clone();
    }

    /// <summary>
    /// <c>ImageOps.autocontrast(img)</c> (cutoff 0): per channel, stretch [min, max] to [0, 255]
    /// with lut[p] = clamp(trunc(p·s − min·s)), s = 255/(max − min) in double precision. A channel
    /// with max ≤ min is left alone. The magnitude is ignored.
    /// </summary>
    public static ByteImage AutoContrast(ByteImage image, double magnitude = 0)
    {
        CheckImage(image);
        var luts = new byte[image.Channels][];
        for (int ch = 0; ch < image.Channels; ch++)
        {
            var h = Histogram(image, ch);
            int lo = 0, hi = 255;
            while (lo < 256 && h[lo] == 0) lo++;
            while (hi >= 0 && h[hi] == 0) hi--;
            var lut = new byte[256];
            if (hi <= lo)
            {
                for (int i = 0; i < 256; i++) lut[i] = (byte)i;
            }
            else
            {
                double scale = 255.0 / (hi - lo);
                double offset = -lo * scale;
                for (int i = 0; i < 256; i++)
                {
                    int v = (int)(i * scale + offset); // Python int(): truncation toward zero
                    lut[i] = (byte)Math.Clamp(v, 0, 255);
                }
            }
            luts[ch] = lut;
        }
        return ApplyLuts(image, luts);
    }

    /// <summary>
    /// <c>ImageOps.equalize(img)</c>: per channel, with h the histogram, if fewer than two bins are
    /// used or step = (Σh − h[last used bin]) // 255 is 0 the channel is unchanged; otherwise
    /// lut[i] = min(255, (step//2 + Σ_{k&lt;i} h[k]) // step). The magnitude is ignored.
    /// </summary>
    public static ByteImage Equalize(ByteImage image, double magnitude = 0)
    {
        CheckImage(image);
        var luts = new byte[image.Channels][];
        for (int ch = 0; ch < image.Channels; ch++)
        {
            var h = Histogram(image, ch);
            var lut = new byte[256];
            int used = 0, last = -1;
            long total = 0;
            for (int i = 0; i < 256; i++)
            {
                if (h[i] == 0) continue;
                used++;
                last = i;
                total += h[i];
            }
            long step = used <= 1 ? 0 : (total - h[last]) / 255;
            if (step == 0)
            {
                for (int i = 0; i < 256; i++) lut[i] = (byte)i;
            }
            else
            {
                long n = step / 2;
                for (int i = 0; i < 256; i++)
                {
                    lut[i] = (byte)Math.Min(255, n / step); // Pillow clips LUT entries to 8 bits
                    n += h[i];
                }
            }
            luts[ch] = lut;
        }
        return ApplyLuts(image, luts);
    }

    /// <summary>
    /// CRLD's Posterize: bits = max(1, int(v)) (int truncates toward zero), then
    /// <c>ImageOps.posterize</c> keeps the top <c>bits</c> bits of every value. bits ≥ 8 keeps all.
    /// </summary>
    public static ByteImage Posterize(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Posterize));
        int bits = Math.Max(1, (int)Math.Clamp(Math.Truncate(magnitude), -1, 8));
        int mask = ~((1 << (8 - bits)) - 1);
        var lut = new byte[256];
        for (int i = 0; i < 256; i++) lut[i] = (byte)(i & mask);
        return ApplyLut(image, lut);
    }

    /// <summary>
    /// <c>ImageOps.solarize(img, v)</c>: values ≥ v are inverted (255 − p), values below v kept.
    /// v = 0 inverts everything, v = 256 nothing.
    /// </summary>
    public static ByteImage Solarize(ByteImage image, double magnitude)
    {
        CheckImage(image);
        if (double.IsNaN(magnitude)) throw new ArgumentException("Solarize: threshold is NaN");
        var lut = new byte[256];
        for (int i = 0; i < 256; i++) lut[i] = (byte)(i < magnitude ? i : 255 - i);
        return ApplyLut(image, lut);
    }
}
