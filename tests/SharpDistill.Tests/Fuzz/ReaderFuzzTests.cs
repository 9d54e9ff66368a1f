using SharpDistill.Pickle;
using System.IO.Compression;
using SharpDistill.TorchImport;
using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Tests.TorchImport;
using SharpDistill.Tests.Data;
using SharpDistill.Torch;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Tests.Fuzz;

/// <summary>
/// Every reader of untrusted bytes, fed <see cref="FuzzRunner.DefaultIterations"/> mutants of valid
/// files each run (seeded, reproducible): each must end in the reader's typed error or a valid
/// result, within the time bound and the memory bound stated per format. The bounds: 64 MiB of
/// managed allocation per input for the container formats; 256 MiB for images, whose decoder may
/// legitimately allocate one image of up to 64 megapixels (192 MiB) from a valid-looking header.
/// </summary>
public class ReaderFuzzTests
{
    private const long ContainerBound = 64L << 20;
    private const long ImageBound = 256L << 20;

    [Fact]
    public void TorchCheckpoints()
    {
        string[] seeds = ["tiny_net.pth", "tiny_net_legacy.pth", "tensor_zoo.pth", "tensor_zoo_legacy.pth"];
        using var temp = new TempDirectory();
        var path = temp.PathOf("fuzz.pth");
        FuzzRunner.Run(".pth", seeds.Select(s => File.ReadAllBytes(CheckpointTestData.PathOf(s))).ToList(), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            // Read the whole file and copy every tensor out, as an import does.
            using var scope = new TensorScope();
            if (TorchCheckpoint.Load(path).Root is SharpDistill.Pickle.PickleDict root)
                foreach (var value in root.Values.OfType<CheckpointTensor>()) value.GatherBytes();
        }, ContainerBound, typeof(CheckpointFormatException));
    }

    [Fact]
    public void CheckpointPickles()
    {
        // The zip's CRC stops most mutants of a .pth early; the pickle inside is fuzzed directly too.
        using var zip = ZipFile.OpenRead(CheckpointTestData.PathOf("tensor_zoo.pth"));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("data.pkl"));
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzRunner.Run("checkpoint pickle", [buffer.ToArray()],
            bytes => StrictUnpickler.Load(bytes, "fuzz.pkl", new StorageTable(legacy: false).Resolve),
            ContainerBound, typeof(CheckpointFormatException));
    }

    [Fact]
    public void LenientCheckpointPickles()
    {
        // The opt-in mode that reads unknown globals as placeholders (NEWOBJ, BUILD on placeholders) gets the same bounds.
        using var zip = ZipFile.OpenRead(CheckpointTestData.PathOf("script_objects.pth"));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("data.pkl"));
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzRunner.Run("lenient checkpoint pickle", [buffer.ToArray()],
            bytes => StrictUnpickler.Load(bytes, "fuzz.pkl", new StorageTable(legacy: false).Resolve, new PlaceholderGlobals()),
            ContainerBound, typeof(CheckpointFormatException));
    }

    [Fact]
    public void SafeTensorsFiles()
    {
        using var temp = new TempDirectory();
        var seed = temp.PathOf("seed.safetensors");
        using (var scope = new TensorScope())
            SafeTensors.Save(seed, new Dictionary<string, Tensor>
            {
                ["w"] = Tensors.Randn(new long[] { 3, 4 }), ["b"] = Tensors.Zeros(new long[] { 4 }, DType.Float64),
                ["i"] = Tensor.FromArray(new long[] { 1, 2, 3 }),
            }, new Dictionary<string, string> { ["note"] = "fuzz seed" });
        var path = temp.PathOf("fuzz.safetensors");
        FuzzRunner.Run("safetensors", [File.ReadAllBytes(seed)], bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using var file = SafeTensors.Load(path);
        }, ContainerBound, typeof(SafeTensorsFormatException));
    }

    [Fact]
    public void ConfigYaml()
    {
        var seeds = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "configs", "fashion_mnist"), "*.yaml", SearchOption.AllDirectories)
            .Order().Take(4).Select(File.ReadAllBytes).ToList();
        using var temp = new TempDirectory();
        var path = temp.PathOf("fuzz.yaml");
        FuzzRunner.Run("YAML config", seeds, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            RunConfig.Load([path], []);
        }, ContainerBound, typeof(ConfigException));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IdxFiles(bool gzip)
    {
        using var temp = new TempDirectory();
        var seed = temp.PathOf("seed.idx");
        TestFiles.WriteIdx(seed, IdxFile.ImageMagic, [3, 28, 28], Enumerable.Range(0, 3 * 784).Select(i => (byte)i).ToArray(), gzip);
        var path = temp.PathOf("fuzz.idx");
        FuzzRunner.Run(gzip ? "IDX (gzip)" : "IDX", [File.ReadAllBytes(seed)], bytes =>
        {
            File.WriteAllBytes(path, bytes);
            IdxFile.Read(path, IdxFile.ImageMagic);
        }, ContainerBound, typeof(DatasetException));
    }

    [Fact]
    public void CifarBinaryFiles()
    {
        using var temp = new TempDirectory();
        var folder = temp.Directory("cifar-100-binary");
        var records = new byte[4 * (2 + 3072)];
        for (var r = 0; r < 4; r++)
        {
            records[r * 3074] = (byte)(r % 20);
            records[r * 3074 + 1] = (byte)(r * 7 % 100);
        }
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), records);
        FuzzRunner.Run("CIFAR binary", [records], bytes =>
        {
            File.WriteAllBytes(Path.Combine(folder, "train.bin"), bytes);
            CifarBinary.ReadCifar100(folder, train: true, coarse: false);
        }, ContainerBound, typeof(DatasetException));
    }

    [Fact]
    public void Stl10BinaryFiles()
    {
        // Images and labels are fuzzed as one input: a mutant is cut at a seeded point into the two files.
        using var temp = new TempDirectory();
        Stl10Tests.WriteSplit(temp.Path, "train", [1, 10]);
        var images = File.ReadAllBytes(temp.PathOf("train_X.bin"));
        var labels = File.ReadAllBytes(temp.PathOf("train_y.bin"));
        FuzzRunner.Run("STL-10 binary", [[.. images, .. labels]], bytes =>
        {
            var cut = Math.Max(0, bytes.Length - labels.Length);
            File.WriteAllBytes(temp.PathOf("train_X.bin"), bytes[..cut]);
            File.WriteAllBytes(temp.PathOf("train_y.bin"), bytes[cut..]);
            Stl10.Load(train: true, temp.Path);
        }, ContainerBound, typeof(DatasetException));
    }

    [Fact]
    public void CifarPythonPickles()
    {
        using var temp = new TempDirectory();
        var source = Path.Combine(TestFiles.Root, "cifar-100-python-py3", "cifar-100-python");
        var folder = temp.Directory("cifar-100-python");
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var seed = File.ReadAllBytes(Path.Combine(source, "train"));
        FuzzRunner.Run("CIFAR pickle", [seed], bytes =>
        {
            File.WriteAllBytes(Path.Combine(folder, "train"), bytes);
            CifarPython.ReadCifar100(folder, train: true, coarse: false);
        }, ContainerBound, typeof(DatasetException));
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    public void Images(string extension)
    {
        var seeds = Directory.GetFiles(Path.Combine(TestFiles.Root, "images"), "*." + extension).Order().Select(File.ReadAllBytes).ToList();
        FuzzRunner.Run(extension.ToUpperInvariant(), seeds, bytes => ImageDecoder.Decode(bytes), ImageBound, typeof(ImageDecodeException));
    }
}
