namespace SharpDistill.Data;

/// <summary>
/// A decoded 8-bit image in HWC row-major layout (index = (y·Width + x)·Channels + c), the form
/// every dataset yields and every augmentation works on, before ToTensor.
/// </summary>
public sealed class ByteImage
{
    public ByteImage(int width, int height, int channels, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"image size must be positive, got {width}x{height}");
        if (channels is not (1 or 3)) throw new ArgumentException($"images have 1 or 3 channels, got {channels}");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {width}x{height}x{channels} image needs {width * height * channels} bytes, got {pixels.Length}");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public ByteImage(int width, int height, int channels) : this(width, height, channels, new byte[width * height * channels]) { }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }

    /// <summary>The pixels, HWC row-major. Transforms return new images and never mutate their input.</summary>
    public byte[] Pixels { get; }

    public byte this[int x, int y, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }

    public ByteImage Clone() => new(Width, Height, Channels, (byte[])Pixels.Clone());
}
