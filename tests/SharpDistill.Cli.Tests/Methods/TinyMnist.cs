using System.Buffers.Binary;

namespace SharpDistill.Cli.Tests.Methods;

/// <summary>A throw-away MNIST-format dataset (random 28×28 images, IDX files) so that runs need no installed dataset.</summary>
internal sealed class TinyMnist : IDisposable
{
    public TinyMnist(int train = 64, int test = 32)
    {
        Directory.CreateDirectory(Root);
        var random = new Random(7);
        foreach (var (prefix, count) in new[] { ("train", train), ("t10k", test) })
        {
            var pixels = new byte[count * 28 * 28];
            random.NextBytes(pixels);
            Write($"{prefix}-images-idx3-ubyte", 0x803, new[] { count, 28, 28 }, pixels);
            Write($"{prefix}-labels-idx1-ubyte", 0x801, new[] { count }, Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sd-tiny-mnist-" + Guid.NewGuid().ToString("N"));

    /// <summary>--set arguments that point a run at this dataset.</summary>
    public string[] Settings => new[] { "--set", "dataset.name=mnist", "--set", $"dataset.root={Root}", "--set", "dataset.num_workers=1" };

    private void Write(string name, int magic, int[] dims, byte[] data)
    {
        using var file = File.Create(Path.Combine(Root, name));
        Span<byte> word = stackalloc byte[4];
        foreach (var value in dims.Prepend(magic))
        {
            BinaryPrimitives.WriteInt32BigEndian(word, value);
            file.Write(word);
        }
        file.Write(data);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
