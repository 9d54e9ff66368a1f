namespace SharpDistill.Data.Transforms;

/// <summary>
/// torchvision's <c>Resize</c> on PIL images with bilinear interpolation (its default). Given one
/// number, the shorter side becomes that size and the longer side trunc(size·long/short), keeping
/// the aspect ratio; given width and height, the image is resized to exactly that. Resampling is
/// <see cref="PilResize.Bilinear"/> (antialiased, Pillow-exact).
/// </summary>
public sealed class Resize : IImageTransform
{
    private Resize(int? shortSide, int width, int height)
    {
        ShortSide = shortSide;
        Width = width;
        Height = height;
    }

    /// <summary>Resize so that the shorter side is <paramref name="shortSide"/> pixels.</summary>
    public static Resize ShorterSide(int shortSide)
    {
        if (shortSide <= 0) throw new ArgumentException($"Resize size must be positive, got {shortSide}");
        return new Resize(shortSide, 0, 0);
    }

    /// <summary>Resize to exactly <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static Resize To(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Resize target must be positive, got {width}x{height}");
        return new Resize(null, width, height);
    }

    /// <summary>The requested short side, or null for a fixed output size.</summary>
    public int? ShortSide { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The output size for an input of the given size (torchvision's rule).</summary>
    public (int Width, int Height) OutputSize(int width, int height)
    {
        if (ShortSide is not int s) return (Width, Height);
        // Python: int(size * long / short), a correctly rounded true division then truncation.
        if (width <= height) return (s, (int)((double)s * height / width));
        return ((int)((double)s * width / height), s);
    }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = OutputSize(image.Width, image.Height);
        return PilResize.Bilinear(image, w, h);
    }
}
