namespace SharpDistill.Data;

/// <summary>
/// A float image in CHW row-major layout (index = (c·Height + y)·Width + x): one view of a sample
/// after ToTensor, as the model consumes it. The loader stacks these into [B, C, H, W] tensors.
/// </summary>
public sealed class ChwImage
{
    public ChwImage(int channels, int height, int width, float[] data)
    {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"image dimensions must be positive, got {channels}x{height}x{width}");
        if (data.Length != (long)channels * height * width)
            throw new ArgumentException($"a {channels}x{height}x{width} image needs {(long)channels * height * width} floats, got {data.Length}");
        Channels = channels;
        Height = height;
        Width = width;
        Data = data;
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>The values, CHW row-major.</summary>
    public float[] Data { get; }

    public float this[int c, int y, int x] => Data[(c * Height + y) * Width + x];

    public string ShapeText => $"{Channels}x{Height}x{Width}";
}
