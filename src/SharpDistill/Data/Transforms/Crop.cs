namespace SharpDistill.Data.Transforms;

/// <summary>Deterministic cropping and flipping, the building blocks of the random crops.</summary>
public static class Crop
{
    /// <summary>
    /// The <paramref name="height"/>×<paramref name="width"/> window whose top-left corner is at
    /// (<paramref name="left"/>, <paramref name="top"/>). The window may reach outside the image:
    /// those pixels are black, as with PIL's <c>Image.crop</c>, which is how torchvision's
    /// zero padding followed by a crop can be done in one copy.
    /// </summary>
    public static ByteImage Region(ByteImage image, int top, int left, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (height <= 0 || width <= 0) throw new ArgumentException($"crop size must be positive, got {width}x{height}");
        int c = image.Channels;
        var output = new ByteImage(width, height, c);
        // Column range of the window that lies inside the source image.
        int x0 = Math.Max(0, left), x1 = Math.Min(image.Width, left + width);
        if (x1 <= x0) return output;
        int rowBytes = (x1 - x0) * c;
        for (int y = 0; y < height; y++)
        {
            int sy = top + y;
            if (sy < 0 || sy >= image.Height) continue;
            Buffer.BlockCopy(image.Pixels, (sy * image.Width + x0) * c, output.Pixels, (y * width + x0 - left) * c, rowBytes);
        }
        return output;
    }

    /// <summary>Mirror image left to right.</summary>
    public static ByteImage FlipHorizontal(ByteImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, c = image.Channels;
        var output = new ByteImage(w, image.Height, c);
        byte[] src = image.Pixels, dst = output.Pixels;
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * w * c;
            for (int x = 0; x < w; x++)
            {
                int s = row + x * c, d = row + (w - 1 - x) * c;
                for (int k = 0; k < c; k++) dst[d + k] = src[s + k];
            }
        }
        return output;
    }
}
