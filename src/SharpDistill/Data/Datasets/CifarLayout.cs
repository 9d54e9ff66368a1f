namespace SharpDistill.Data;

/// <summary>Facts shared by both CIFAR file formats.</summary>
internal static class CifarLayout
{
    public const int Side = 32;
    public const int PixelBytes = 3 * Side * Side; // 3072

    public static readonly ImageGeometry Geometry = new(3, Side, Side);

    public static readonly IReadOnlyList<string> Cifar10ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// Copies one record's 3072 pixel bytes, stored planar (1024 red, 1024 green, 1024 blue, each
    /// row-major), into HWC order at <paramref name="destination"/>.
    /// </summary>
    public static void PlanarToHwc(ReadOnlySpan<byte> planar, Span<byte> destination)
    {
        const int plane = Side * Side;
        for (var p = 0; p < plane; p++)
        {
            destination[3 * p] = planar[p];
            destination[3 * p + 1] = planar[plane + p];
            destination[3 * p + 2] = planar[2 * plane + p];
        }
    }

    /// <summary>Class names from a text file with one name a line, or null when the file is absent.</summary>
    public static IReadOnlyList<string>? ReadNameFile(string path, int expected)
    {
        if (!File.Exists(path)) return null;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length != expected)
            throw new DatasetException($"lists {names.Length} class names, expected {expected}", path);
        return names;
    }
}
