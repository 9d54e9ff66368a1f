namespace SharpDistill.Data.Transforms;

/// <summary>
/// PIL's <c>Image.transform(size, AFFINE, (a, b, c, d, e, f))</c> with nearest-neighbour sampling
/// and black fill, the primitive behind RandAugment's Rotate, Shear and Translate. Output pixel
/// (x, y) copies input pixel (⌊a·(x+½) + b·(y+½) + c⌋, ⌊d·(x+½) + e·(y+½) + f⌋), or is black when
/// that lies outside the image. To be bit-exact, the coordinates are computed the way Pillow's
/// ImagingTransformAffine does, because near-integer positions round differently per method:
/// <list type="bullet">
/// <item>b = d = 0 (translation, scaling): double precision, accumulated by repeated addition;</item>
/// <item>otherwise, when every corner maps within ±32768: 16.16 fixed point, coefficients rounded
/// to 1/65536 and accumulated as integers;</item>
/// <item>otherwise: double precision, accumulated.</item>
/// </list>
/// </summary>
public static class PilAffine
{
    public static ByteImage Nearest(ByteImage image, double a, double b, double c, double d, double e, double f)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(double.IsFinite(a) && double.IsFinite(b) && double.IsFinite(c) && double.IsFinite(d) && double.IsFinite(e) && double.IsFinite(f)))
            throw new ArgumentException($"affine coefficients must be finite, got ({a}, {b}, {c}, {d}, {e}, {f})");
        var output = new ByteImage(image.Width, image.Height, image.Channels);
        if (b == 0 && d == 0) Separable(image, output, a, c, e, f);
        else if (FitsFixedPoint(a, b, c, d, e, f, image.Width, image.Height)) FixedPoint(image, output, a, b, c, d, e, f);
        else FloatingPoint(image, output, a, b, c, d, e, f);
        return output;
    }

    // Pillow's COORD: any negative coordinate is "outside", others truncate (= floor).
    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;

    private static void CopyPixel(ByteImage src, int sx, int sy, ByteImage dst, int dx, int dy)
    {
        int c = src.Channels, s = (sy * src.Width + sx) * c, t = (dy * dst.Width + dx) * c;
        for (int k = 0; k < c; k++) dst.Pixels[t + k] = src.Pixels[s + k];
    }

    private static void Separable(ByteImage src, ByteImage dst, double a, double c, double e, double f)
    {
        int w = dst.Width, h = dst.Height;
        Span<int> xin = w <= 1024 ? stackalloc int[w] : new int[w];
        double xo = c + a * 0.5;
        for (int x = 0; x < w; x++)
        {
            int v = Coord(xo);
            xin[x] = v >= 0 && v < src.Width ? v : -1;
            xo += a;
        }
        double yo = f + e * 0.5;
        for (int y = 0; y < h; y++)
        {
            int yi = Coord(yo);
            yo += e;
            if (yi < 0 || yi >= src.Height) continue;
            for (int x = 0; x < w; x++)
                if (xin[x] >= 0) CopyPixel(src, xin[x], yi, dst, x, y);
        }
    }

    private static bool FitsFixedPoint(double a, double b, double c, double d, double e, double f, int w, int h)
    {
        bool Fits(int x, int y) => Math.Abs(x * a + y * b + c) < 32768.0 && Math.Abs(x * d + y * e + f) < 32768.0;
        return Fits(0, 0) && Fits(w, h) && Fits(0, h) && Fits(w, 0);
    }

    // Pillow's FIX: round to 16.16 fixed point (floor of v·65536 + ½).
    private static int Fix(double v)
    {
        double t = v * 65536.0 + 0.5;
        return t < 0.0 ? (int)Math.Floor(t) : (int)t;
    }

    private static void FixedPoint(ByteImage src, ByteImage dst, double a, double b, double c, double d, double e, double f)
    {
        int a0 = Fix(a), a1 = Fix(b), a3 = Fix(d), a4 = Fix(e);
        int a2 = Fix(c + a * 0.5 + b * 0.5), a5 = Fix(f + d * 0.5 + e * 0.5);
        int w = dst.Width, h = dst.Height, sw = src.Width, sh = src.Height;
        for (int y = 0; y < h; y++)
        {
            int xx = a2, yy = a5;
            for (int x = 0; x < w; x++)
            {
                int xi = xx >> 16;
                if (xi >= 0 && xi < sw)
                {
                    int yi = yy >> 16;
                    if (yi >= 0 && yi < sh) CopyPixel(src, xi, yi, dst, x, y);
                }
                xx += a0;
                yy += a3;
            }
            a2 += a1;
            a5 += a4;
        }
    }

    private static void FloatingPoint(ByteImage src, ByteImage dst, double a, double b, double c, double d, double e, double f)
    {
        double xo = c + b * 0.5 + a * 0.5, yo = f + e * 0.5 + d * 0.5;
        int w = dst.Width, h = dst.Height;
        for (int y = 0; y < h; y++)
        {
            double xx = xo, yy = yo;
            for (int x = 0; x < w; x++)
            {
                int xi = Coord(xx);
                if (xi >= 0 && xi < src.Width)
                {
                    int yi = Coord(yy);
                    if (yi >= 0 && yi < src.Height) CopyPixel(src, xi, yi, dst, x, y);
                }
                xx += a;
                yy += d;
            }
            xo += b;
            yo += e;
        }
    }
}
