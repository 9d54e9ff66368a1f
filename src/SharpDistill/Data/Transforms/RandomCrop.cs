namespace SharpDistill.Data.Transforms;

/// <summary>
/// torchvision's <c>RandomCrop(size, padding)</c> with constant zero padding: pad every side by
/// <see cref="Padding"/> black pixels, then take a <see cref="Height"/>×<see cref="Width"/> window
/// whose top row is uniform in [0, H + 2p − height] and left column uniform in [0, W + 2p − width]
/// (top drawn first, as torchvision does). Padding and crop are done in a single copy.
/// </summary>
public sealed class RandomCrop : IImageTransform
{
    public RandomCrop(int size, int padding = 0) : this(size, size, padding) { }

    public RandomCrop(int height, int width, int padding)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"RandomCrop size must be positive, got {width}x{height}");
        if (padding < 0) throw new ArgumentException($"RandomCrop padding must be >= 0, got {padding}");
        Height = height;
        Width = width;
        Padding = padding;
    }

    public int Height { get; }
    public int Width { get; }
    public int Padding { get; }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(rng);
        int paddedH = image.Height + 2 * Padding, paddedW = image.Width + 2 * Padding;
        if (paddedH < Height || paddedW < Width)
            throw new ArgumentException(
                $"RandomCrop: crop {Width}x{Height} is larger than the padded image {paddedW}x{paddedH} " +
                $"({image.Width}x{image.Height} with padding {Padding})");
        int top = 0, left = 0;
        // Like torchvision, a crop that covers the whole padded image draws no random numbers.
        if (paddedH != Height || paddedW != Width)
        {
            top = rng.Next(paddedH - Height + 1);
            left = rng.Next(paddedW - Width + 1);
        }
        return Crop.Region(image, top - Padding, left - Padding, Height, Width);
    }
}
