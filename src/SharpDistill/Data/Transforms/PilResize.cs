namespace SharpDistill.Data.Transforms;

/// <summary>
/// PIL's <c>Image.resize(size, BILINEAR)</c> for 8-bit images (Pillow's ImagingResample), which is
/// what torchvision's Resize and RandomResizedCrop call on PIL images. It is an antialiasing
/// resampler, not 2×2 interpolation: when shrinking, the triangle filter is stretched by the scale
/// factor so that every source pixel contributes. Reproduced details:
/// <list type="bullet">
/// <item>separable, horizontal pass first, the intermediate rounded and clamped to 8 bits;</item>
/// <item>per output pixel, the filter centre is (i + 0.5)·scale, its support 1·max(scale, 1), the
/// window [trunc(centre − support + 0.5), trunc(centre + support + 0.5)) clipped to the image, and
/// the weights are normalised to sum 1 in double precision;</item>
/// <item>weights are then converted to 22-bit fixed point (round half away from zero), sums start
/// at 2^21 (rounding) and the result is the top bits clamped to [0, 255];</item>
/// <item>an axis whose size does not change is not resampled, and same-size resizing is a copy.</item>
/// </list>
/// With integer fixed-point sums the result is bit-exact, not merely close (checked against
/// Pillow 9.4 by the PilResize tests).
/// </summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static ByteImage Bilinear(ByteImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0) throw new ArgumentException($"resize target must be positive, got {width}x{height}");
        var current = image;
        if (width != image.Width) current = Horizontal(current, width);
        if (height != image.Height) current = Vertical(current, height);
        return ReferenceEquals(current, image) ? image.Clone() : current;
    }

    /// <summary>Bounds (first index, count) and fixed-point weights for each output position.</summary>
    private readonly struct Coefficients
    {
        public Coefficients(int[] start, int[] count, int[] weights, int kernelSize)
        {
            Start = start; Count = count; Weights = weights; KernelSize = kernelSize;
        }
        public int[] Start { get; }
        public int[] Count { get; }
        public int[] Weights { get; }
        public int KernelSize { get; }
    }

    private static double BilinearFilter(double x)
    {
        if (x < 0.0) x = -x;
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static Coefficients Precompute(int inSize, int outSize)
    {
        const double filterSupport = 1.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterSupport * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var k = new double[kernelSize];
        double invFilterScale = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = BilinearFilter((x + xmin - center + 0.5) * invFilterScale);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double w = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * kernelSize + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(start, count, weights, kernelSize);
    }

    private static byte Clip8(int sum)
    {
        int v = sum >> PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    private static ByteImage Horizontal(ByteImage image, int width)
    {
        var co = Precompute(image.Width, width);
        int c = image.Channels, h = image.Height, inRow = image.Width * c;
        var output = new ByteImage(width, h, c);
        byte[] src = image.Pixels, dst = output.Pixels;
        const int half = 1 << (PrecisionBits - 1);
        for (int y = 0; y < h; y++)
        {
            int rowIn = y * inRow, rowOut = y * width * c;
            for (int xx = 0; xx < width; xx++)
            {
                int kOff = xx * co.KernelSize, first = rowIn + co.Start[xx] * c, n = co.Count[xx];
                for (int ch = 0; ch < c; ch++)
                {
                    int ss = half;
                    for (int x = 0; x < n; x++) ss += src[first + x * c + ch] * co.Weights[kOff + x];
                    dst[rowOut + xx * c + ch] = Clip8(ss);
                }
            }
        }
        return output;
    }

    private static ByteImage Vertical(ByteImage image, int height)
    {
        var co = Precompute(image.Height, height);
        int c = image.Channels, w = image.Width, row = w * c;
        var output = new ByteImage(w, height, c);
        byte[] src = image.Pixels, dst = output.Pixels;
        const int half = 1 << (PrecisionBits - 1);
        for (int yy = 0; yy < height; yy++)
        {
            int kOff = yy * co.KernelSize, first = co.Start[yy] * row, n = co.Count[yy], outRow = yy * row;
            for (int i = 0; i < row; i++)
            {
                int ss = half;
                for (int y = 0; y < n; y++) ss += src[first + y * row + i] * co.Weights[kOff + y];
                dst[outRow + i] = Clip8(ss);
            }
        }
        return output;
    }
}
