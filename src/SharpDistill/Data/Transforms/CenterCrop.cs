namespace SharpDistill.Data.Transforms;

/// <summary>
/// torchvision's <c>CenterCrop(size)</c>: the top-left corner is round((H − h)/2), round((W − w)/2)
/// with Python's round-half-to-even; an image smaller than the crop is first zero-padded,
/// floor(Δ/2) on the top/left and the rest on the bottom/right.
/// </summary>
public sealed class CenterCrop : IImageTransform
{
    public CenterCrop(int size) : this(size, size) { }

    public CenterCrop(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"CenterCrop size must be positive, got {width}x{height}");
        Height = height;
        Width = width;
    }

    public int Height { get; }
    public int Width { get; }

    public ByteImage Apply(ByteImage image, Random rng) => Center(image, Height, Width);

    public static ByteImage Center(ByteImage image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        int padLeft = 0, padTop = 0, w = image.Width, h = image.Height;
        if (width > w || height > h)
        {
            if (width > w) { padLeft = (width - w) / 2; w = width; }
            if (height > h) { padTop = (height - h) / 2; h = height; }
        }
        int top = (int)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return Crop.Region(image, top - padTop, left - padLeft, height, width);
    }
}
