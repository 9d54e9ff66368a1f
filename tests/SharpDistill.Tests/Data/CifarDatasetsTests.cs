using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class CifarDatasetsTests
{
    /// <summary>Pixel byte j (planar CHW order) of record i in file f.</summary>
    private static byte Pixel(int file, int record, int j) => (byte)(file * 13 + record * 31 + j * 7);

    /// <summary>Writes records in the official binary layout: label byte(s), then 3072 planar bytes.</summary>
    private static void WriteBinary(string path, int file, IReadOnlyList<byte[]> labelBytes)
    {
        using var stream = File.Create(path);
        for (var r = 0; r < labelBytes.Count; r++)
        {
            stream.Write(labelBytes[r]);
            for (var j = 0; j < 3072; j++) stream.WriteByte(Pixel(file, r, j));
        }
    }

    private static void AssertHwc(ByteImage image, Func<int, byte> planar)
    {
        Assert.Equal((32, 32, 3), (image.Width, image.Height, image.Channels));
        foreach (var (x, y) in new[] { (0, 0), (31, 0), (0, 31), (17, 5), (31, 31) })
            for (var c = 0; c < 3; c++)
                Assert.Equal(planar(c * 1024 + y * 32 + x), image[x, y, c]);
    }

    [Fact]
    public void Reads_cifar10_binary_train_batches_in_order()
    {
        using var dir = new TempDirectory();
        var folder = dir.Directory("cifar-10-batches-bin");
        for (var f = 1; f <= 5; f++)
            WriteBinary(Path.Combine(folder, $"data_batch_{f}.bin"), f, [[(byte)f], [(byte)(9 - f)]]);
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"),
            ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);

        var ds = CifarDatasets.Cifar10(train: true, dir.Path);
        Assert.Equal("cifar10/train", ds.Name);
        Assert.Equal(10, ds.Count);
        Assert.Equal(new ImageGeometry(3, 32, 32), ds.Geometry);
        Assert.Equal("truck", ds.ClassNames[9]);
        Assert.Equal([1, 8, 2, 7, 3, 6, 4, 5, 5, 4], ds.Labels);
        AssertHwc(ds.Get(7).Image, j => Pixel(4, 1, j)); // file 4, second record
    }

    [Fact]
    public void Reads_cifar100_binary_fine_and_coarse_labels()
    {
        using var dir = new TempDirectory();
        var folder = dir.Directory("cifar-100-binary");
        WriteBinary(Path.Combine(folder, "test.bin"), 0, [[3, 99], [19, 0], [0, 42]]);

        var fine = CifarDatasets.Cifar100(train: false, dir.Path);
        Assert.Equal("cifar100/test", fine.Name);
        Assert.Equal(100, fine.NumClasses);
        Assert.Equal([99, 0, 42], fine.Labels);
        AssertHwc(fine.Get(2).Image, j => Pixel(0, 2, j));

        var coarse = CifarDatasets.Cifar100(train: false, folder, coarseLabels: true); // the folder itself works too
        Assert.Equal(20, coarse.NumClasses);
        Assert.Equal([3, 19, 0], coarse.Labels);
    }

    [Fact]
    public void Truncated_binary_file_names_file_and_record()
    {
        using var dir = new TempDirectory();
        var path = dir.File("test.bin");
        WriteBinary(path, 0, [[1, 1], [2, 2], [3, 3]]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var e = Assert.Throws<DatasetException>(() => CifarDatasets.Cifar100(false, dir.Path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(2, e.RecordIndex);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Empty_binary_file_is_an_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("test_batch.bin"), []);
        var e = Assert.Throws<DatasetException>(() => CifarDatasets.Cifar10(false, dir.Path));
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 20, 5 }, "coarse label 20")]
    [InlineData(new byte[] { 5, 100 }, "fine label 100")]
    public void Cifar100_label_out_of_range_names_file_and_record(byte[] badLabels, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("train.bin");
        WriteBinary(path, 0, [[1, 1], badLabels]);
        var e = Assert.Throws<DatasetException>(() => CifarDatasets.Cifar100(true, dir.Path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(1, e.RecordIndex);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Cifar10_label_out_of_range_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteBinary(dir.File("test_batch.bin"), 0, [[10]]);
        var e = Assert.Throws<DatasetException>(() => CifarDatasets.Cifar10(false, dir.Path));
        Assert.Equal(0, e.RecordIndex);
    }

    [Fact]
    public void Missing_dataset_names_both_layouts()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DatasetNotFoundException>(() => CifarDatasets.Cifar100(true, dir.Path));
        Assert.Contains("cifar-100-binary/train.bin", e.Message);
        Assert.Contains("cifar-100-python/train", e.Message);
        var e10 = Assert.Throws<DatasetNotFoundException>(() => CifarDatasets.Cifar10(true, dir.Path));
        Assert.Contains("cifar-10-batches-bin", e10.Message);
    }

    // ---- the python version, from the committed pickles written by make_pickle.py ----

    public static TheoryData<string> PickleFlavours => new() { "cifar-100-python-py2", "cifar-100-python-py3" };

    [Theory]
    [MemberData(nameof(PickleFlavours))]
    public void Reads_cifar100_python_pickles(string flavour)
    {
        var root = Path.Combine(TestFiles.Root, flavour);
        foreach (var (train, s, count) in new[] { (true, 0, 7), (false, 1, 3) })
        {
            var ds = CifarDatasets.Cifar100(train, root);
            Assert.Equal(count, ds.Count);
            Assert.Equal("class_42", ds.ClassNames[42]);
            for (var i = 0; i < count; i++)
            {
                var (image, label) = ds.Get(i);
                Assert.Equal((7 * i + 3 * s) % 100, label);
                AssertHwc(image, j => (byte)((i * 31 + j * 7 + s * 101) % 256));
            }
            var coarse = CifarDatasets.Cifar100(train, root, coarseLabels: true);
            Assert.Equal(Enumerable.Range(0, count).Select(i => (7 * i + 3 * s) % 100 % 20), coarse.Labels);
            Assert.Equal("super_07", coarse.ClassNames[7]);
        }
    }

    [Fact]
    public void Reads_cifar10_python_batches_in_order()
    {
        var root = Path.Combine(TestFiles.Root, "cifar-10-python");
        var train = CifarDatasets.Cifar10(train: true, root);
        Assert.Equal("cifar10/train", train.Name);
        Assert.Equal(10, train.Count);
        Assert.Equal([1, 4, 2, 5, 3, 6, 4, 7, 5, 8], train.Labels); // file f, record i: (f + 3i) % 10
        AssertHwc(train.Get(5).Image, j => (byte)((3 * 13 + 1 * 31 + j * 7) % 256)); // data_batch_3, record 1
        Assert.Equal("truck", train.ClassNames[9]);
        var test = CifarDatasets.Cifar10(train: false, Path.Combine(root, "cifar-10-batches-py"));
        Assert.Equal([0, 3], test.Labels);
    }

    [Fact]
    public void Truncated_pickle_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var folder = dir.Directory("cifar-100-python");
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "cifar-100-python-py2", "cifar-100-python", "test"));
        File.WriteAllBytes(Path.Combine(folder, "test"), bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<PickleException>(() => CifarDatasets.Cifar100(false, dir.Path));
        Assert.Equal(Path.Combine(folder, "test"), e.FilePath);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Pickle_label_out_of_range_names_file_and_record()
    {
        using var dir = new TempDirectory();
        var folder = dir.Directory("cifar-100-python");
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "cifar-100-python-py2", "cifar-100-python", "test"));
        // fine_labels of the test split are [3, 10, 17], written as BININT1 'K' opcodes: make the second one 100.
        var at = IndexOf(bytes, [(byte)'K', 3, (byte)'K', 10, (byte)'K', 17]);
        bytes[at + 3] = 100;
        File.WriteAllBytes(Path.Combine(folder, "test"), bytes);
        var e = Assert.Throws<DatasetException>(() => CifarDatasets.Cifar100(false, dir.Path));
        Assert.Equal(1, e.RecordIndex);
        Assert.Contains("fine_labels", e.Message);
        Assert.Contains("[0, 100)", e.Message);
    }

    internal static int IndexOf(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "pattern not found in the test pickle");
        return at;
    }
}
