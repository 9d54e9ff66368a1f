namespace SharpDistill.Data.Transforms;

/// <summary>
/// torchvision's <c>RandomResizedCrop(size)</c> with its defaults scale = (0.08, 1),
/// ratio = (3/4, 4/3) and bilinear interpolation. Up to ten attempts draw an area fraction
/// uniformly in <c>scale</c> and an aspect ratio log-uniformly in <c>ratio</c>; the first window
/// that fits (w = round(√(A·r)), h = round(√(A/r)), both in (0, side]) is placed uniformly. If none
/// fits, the fallback is the largest centred window whose aspect ratio is clamped into
/// <c>ratio</c>. The window is then resized with <see cref="PilResize.Bilinear"/>.
/// torchvision draws in float32 from torch's generator; here the draws are doubles from the
/// caller's <see cref="Random"/>: the same distribution, a different random stream.
/// </summary>
public sealed class RandomResizedCrop : IImageTransform
{
    public RandomResizedCrop(int size, double minScale = 0.08, double maxScale = 1.0,
        double minRatio = 3.0 / 4.0, double maxRatio = 4.0 / 3.0)
    {
        if (size <= 0) throw new ArgumentException($"RandomResizedCrop size must be positive, got {size}");
        if (!(minScale > 0 && minScale <= maxScale))
            throw new ArgumentException($"RandomResizedCrop scale range must satisfy 0 < min <= max, got ({minScale}, {maxScale})");
        if (!(minRatio > 0 && minRatio <= maxRatio))
            throw new ArgumentException($"RandomResizedCrop ratio range must satisfy 0 < min <= max, got ({minRatio}, {maxRatio})");
        Size = size;
        MinScale = minScale; MaxScale = maxScale;
        MinRatio = minRatio; MaxRatio = maxRatio;
    }

    public int Size { get; }
    public double MinScale { get; }
    public double MaxScale { get; }
    public double MinRatio { get; }
    public double MaxRatio { get; }

    /// <summary>The crop window (top, left, height, width) for an image of the given size.</summary>
    public (int Top, int Left, int Height, int Width) SampleWindow(int imageWidth, int imageHeight, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double area = (double)imageWidth * imageHeight;
        double logMin = Math.Log(MinRatio), logMax = Math.Log(MaxRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * (MinScale + (MaxScale - MinScale) * rng.NextDouble());
            double aspect = Math.Exp(logMin + (logMax - logMin) * rng.NextDouble());
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= imageWidth && h > 0 && h <= imageHeight)
            {
                int top = rng.Next(imageHeight - h + 1);
                int left = rng.Next(imageWidth - w + 1);
                return (top, left, h, w);
            }
        }
        // Fallback: central crop with the aspect ratio clamped into the allowed range.
        double inRatio = (double)imageWidth / imageHeight;
        int fw, fh;
        if (inRatio < MinRatio) { fw = imageWidth; fh = (int)Math.Round(fw / MinRatio, MidpointRounding.ToEven); }
        else if (inRatio > MaxRatio) { fh = imageHeight; fw = (int)Math.Round(fh * MaxRatio, MidpointRounding.ToEven); }
        else { fw = imageWidth; fh = imageHeight; }
        return ((imageHeight - fh) / 2, (imageWidth - fw) / 2, fh, fw);
    }

    public ByteImage Apply(ByteImage image, Random rng)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (top, left, h, w) = SampleWindow(image.Width, image.Height, rng);
        return PilResize.Bilinear(Crop.Region(image, top, left, h, w), Size, Size);
    }
}
