namespace SharpDistill.Data.Transforms;

/// <summary>
/// CRLD's Cutout (docs/augmentations.md), always the last step of the strong view: a grey square of side
/// s = f·W pixels (f the fraction of the width) painted at a random centre.
/// </summary>
public static class Cutout
{
    /// <summary>The RGB fill (125, 123, 114), in raw pixel space.</summary>
    public static readonly byte[] RgbFill = { 125, 123, 114 };

    /// <summary>
    /// The grayscale fill, 123: the luminance of (125, 123, 114), i.e. what the RGB cutout becomes
    /// when the image is converted to "L". (Pillow 9.4 itself rejects an RGB fill on an "L" image
    /// with a TypeError, so there is no reference behaviour to copy.)
    /// </summary>
    public static readonly byte GrayFill = (byte)AugmentOps.Luminance(125, 123, 114);

    /// <summary>
    /// Paints the square for a given centre and side, exactly as CRLD's CutoutAbs + PIL's
    /// <c>ImageDraw.rectangle</c>: x0 = int(max(0, cx − s/2)), y0 likewise, x1 = min(W, x0 + s),
    /// y1 = min(H, y0 + s); corners truncated to integers and both inclusive, clipped to the image.
    /// So even s &lt; 1 paints one pixel, and a square of side s usually covers ⌊s⌋ + 1 columns.
    /// A non-positive side paints nothing.
    /// </summary>
    public static ByteImage Paint(ByteImage image, double centreX, double centreY, double side)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(double.IsFinite(centreX) && double.IsFinite(centreY) && double.IsFinite(side)))
            throw new ArgumentException($"Cutout: centre and side must be finite, got ({centreX}, {centreY}), {side}");
        var output = image.Clone();
        if (side < 0) return output; // CutoutAbs returns the image unchanged for v < 0
        var (x0, y0, x1, y1) = Rectangle(image.Width, image.Height, centreX, centreY, side);
        int c = image.Channels;
        byte[] px = output.Pixels;
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                int i = (y * image.Width + x) * c;
                if (c == 1) px[i] = GrayFill;
                else { px[i] = RgbFill[0]; px[i + 1] = RgbFill[1]; px[i + 2] = RgbFill[2]; }
            }
        return output;
    }

    /// <summary>
    /// The painted pixel range, inclusive on both ends and clipped to the image; empty (x1 &lt; x0)
    /// when nothing is inside.
    /// </summary>
    public static (int X0, int Y0, int X1, int Y1) Rectangle(int width, int height, double centreX, double centreY, double side)
    {
        int x0 = (int)Math.Max(0, centreX - side / 2.0);
        int y0 = (int)Math.Max(0, centreY - side / 2.0);
        double x1 = Math.Min(width, x0 + side);
        double y1 = Math.Min(height, y0 + side);
        // PIL truncates the float corners and fills both ends, clipping to the last row/column.
        return (Math.Min(x0, width), Math.Min(y0, height), Math.Min((int)x1, width - 1), Math.Min((int)y1, height - 1));
    }

    /// <summary>
    /// A centre coordinate as CRLD draws it, <c>np.random.uniform(size)</c>: NumPy reads the single
    /// argument as <c>low</c> with <c>high = 1.0</c>, and returns low + (high − low)·U, so the
    /// result is size − (size − 1)·U ∈ (1, size] rather than [0, size).
    /// </summary>
    public static double DrawCentre(int size, Random rng) => size + (1.0 - size) * rng.NextDouble();

    /// <summary>
    /// CRLD's <c>Cutout(img, f)</c>: nothing when f ≤ 0; otherwise side f·W and a centre drawn with
    /// <see cref="DrawCentre"/> (x first, then y).
    /// </summary>
    public static ByteImage Apply(ByteImage image, double fraction, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        if (double.IsNaN(fraction)) throw new ArgumentException("Cutout: fraction is NaN");
        if (fraction <= 0) return image.Clone();
        double side = fraction * image.Width;
        double cx = DrawCentre(image.Width, rng);
        double cy = DrawCentre(image.Height, rng);
        return Paint(image, cx, cy, side);
    }
}
