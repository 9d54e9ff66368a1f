using System.Globalization;

namespace SharpDistill.Data.Transforms;

// Geometric ops: PIL affine transforms with nearest-neighbour sampling and black fill.
public static partial class AugmentOps
{
    /// <summary>
    /// <c>img.rotate(v)</c>: counter-clockwise by v degrees about (W/2, H/2), same size, nearest,
    /// black fill. Follows Pillow: the angle is first reduced modulo 360; 0 is a copy, 180 and (on
    /// square images) 90/270 are exact transpositions; any other angle uses the inverse matrix
    /// (cos θ, sin θ, c, −sin θ, cos θ, f) with θ = −v·π/180 and each entry rounded to 15 decimals.
    /// </summary>
    public static ByteImage Rotate(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(Rotate));
        double angle = magnitude % 360.0;          // Python's float %: result takes the divisor's sign
        if (angle < 0) angle += 360.0;
        if (angle == 0) return image.Clone();
        if (angle == 180) return Rotate180(image);
        if ((angle == 90 || angle == 270) && image.Width == image.Height)
            return angle == 90 ? Rotate90(image) : Rotate270(image);

        double theta = -(angle * (Math.PI / 180.0)); // math.radians multiplies by pi/180
        double cos = RoundTo15Decimals(Math.Cos(theta)), sin = RoundTo15Decimals(Math.Sin(theta));
        double negSin = RoundTo15Decimals(-Math.Sin(theta));
        double a = cos, b = sin, d = negSin, e = cos;
        double cx = image.Width / 2.0, cy = image.Height / 2.0;
        // Translation so that the centre maps to itself: evaluated in Pillow's order.
        double c = a * -cx + b * -cy + 0.0;
        double f = d * -cx + e * -cy + 0.0;
        c += cx;
        f += cy;
        return PilAffine.Nearest(image, a, b, c, d, e, f);
    }

    /// <summary>
    /// Python's <c>round(x, 15)</c>: the double nearest to x correctly rounded to 15 decimals
    /// (.NET formats doubles exactly, and parsing is correctly rounded).
    /// </summary>
    internal static double RoundTo15Decimals(double x) =>
        double.Parse(x.ToString("F15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary><c>img.transform(size, AFFINE, (1, v, 0, 0, 1, 0))</c>: output (x, y) samples input (x + v·y, y).</summary>
    public static ByteImage ShearX(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(ShearX));
        return PilAffine.Nearest(image, 1, magnitude, 0, 0, 1, 0);
    }

    /// <summary><c>img.transform(size, AFFINE, (1, 0, 0, v, 1, 0))</c>: output (x, y) samples input (x, v·x + y).</summary>
    public static ByteImage ShearY(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(ShearY));
        return PilAffine.Nearest(image, 1, 0, 0, magnitude, 1, 0);
    }

    /// <summary>Shift by v·W pixels: output (x, y) samples input (x + v·W, y).</summary>
    public static ByteImage TranslateX(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(TranslateX));
        return PilAffine.Nearest(image, 1, 0, magnitude * image.Width, 0, 1, 0);
    }

    /// <summary>Shift by v·H pixels: output (x, y) samples input (x, y + v·H).</summary>
    public static ByteImage TranslateY(ByteImage image, double magnitude)
    {
        CheckImage(image);
        CheckFinite(magnitude, nameof(TranslateY));
        return PilAffine.Nearest(image, 1, 0, 0, 0, 1, magnitude * image.Height);
    }

    // Pillow's transpositions: ROTATE_90 is counter-clockwise.
    private static ByteImage Rotate90(ByteImage image) =>
        Remap(image, image.Height, image.Width, (x, y) => (image.Width - 1 - y, x));

    private static ByteImage Rotate180(ByteImage image) =>
        Remap(image, image.Width, image.Height, (x, y) => (image.Width - 1 - x, image.Height - 1 - y));

    private static ByteImage Rotate270(ByteImage image) =>
        Remap(image, image.Height, image.Width, (x, y) => (y, image.Height - 1 - x));

    /// <summary>Builds an image whose pixel (x, y) is the input pixel at source(x, y).</summary>
    private static ByteImage Remap(ByteImage image, int width, int height, Func<int, int, (int X, int Y)> source)
    {
        int c = image.Channels;
        var output = new ByteImage(width, height, c);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (sx, sy) = source(x, y);
                int s = (sy * image.Width + sx) * c, t = (y * width + x) * c;
                for (int k = 0; k < c; k++) output.Pixels[t + k] = image.Pixels[s + k];
            }
        return output;
    }
}
