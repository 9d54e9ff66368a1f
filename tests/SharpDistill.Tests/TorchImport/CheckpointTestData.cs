using System.IO.Compression;
using System.Text.Json;

namespace SharpDistill.Tests.TorchImport;

/// <summary>
/// The checkpoints in testdata/ (written by PyTorch itself, see make_checkpoints.py) and the
/// values PyTorch computed for them (expected.json).
/// </summary>
internal static class CheckpointTestData
{
    public static string DataDirectory { get; } = RepoPaths.TorchCheckpoints();

    private static readonly Lazy<JsonElement> ExpectedJson =
        new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, "expected.json"))).RootElement);

    public static JsonElement Expected => ExpectedJson.Value;

    public static string PathOf(string name) => Path.Combine(DataDirectory, name);

    public static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            _ => e.GetDouble(),
        }).ToArray();

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();

    /// <summary>A copy of a zip checkpoint with its entries transformed (null drops an entry), in a temporary folder.</summary>
    public static string RewriteZip(TempDirectory temp, string source, Func<string, byte[], byte[]?> transform)
    {
        var target = temp.PathOf(Path.GetFileName(source));
        using (var input = ZipFile.OpenRead(source))
        using (var output = ZipFile.Open(target, ZipArchiveMode.Create))
        {
            foreach (var entry in input.Entries)
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                if (transform(entry.FullName, buffer.ToArray()) is not { } bytes) continue;
                using var written = output.CreateEntry(entry.FullName, CompressionLevel.NoCompression).Open();
                written.Write(bytes);
            }
        }
        return target;
    }
}

