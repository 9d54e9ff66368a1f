using System.IO.Compression;
using System.Text.Json;
using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

/// <summary>Paths of the committed test files and helpers that write dataset files in their real formats.</summary>
internal static class TestFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Data", "TestFiles");

    public static string Image(string name) => Path.Combine(Root, "images", name);

    /// <summary>Pillow's decoding of each committed image (written by make_images.py).</summary>
    public static IReadOnlyDictionary<string, ExpectedImage> Expected { get; } = LoadExpected();

    public sealed record ExpectedImage(string Mode, int Width, int Height, byte[] Rgb, byte[] Gray);

    private static Dictionary<string, ExpectedImage> LoadExpected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Image("expected.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => new ExpectedImage(
            p.Value.GetProperty("mode").GetString()!, p.Value.GetProperty("width").GetInt32(), p.Value.GetProperty("height").GetInt32(),
            Convert.FromBase64String(p.Value.GetProperty("rgb").GetString()!), Convert.FromBase64String(p.Value.GetProperty("gray").GetString()!)));
    }

    /// <summary>An IDX file: magic, big-endian sizes, data; gzip-compressed when <paramref name="gzip"/>.</summary>
    public static void WriteIdx(string path, int magic, int[] dims, byte[] data, bool gzip = true)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        void Int(int v) => stream.Write([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        Int(magic);
        foreach (var d in dims) Int(d);
        stream.Write(data);
    }
}

internal static class Images
{
    /// <summary>A small image whose pixel values encode (seed, x, y, c), so mix-ups show.</summary>
    public static ByteImage Pattern(int width, int height, int channels, int seed)
    {
        var image = new ByteImage(width, height, channels);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < channels; c++)
                    image[x, y, c] = (byte)(seed * 37 + x * 5 + y * 11 + c * 67);
        return image;
    }
}
