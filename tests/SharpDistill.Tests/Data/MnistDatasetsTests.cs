using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class MnistDatasetsTests
{
    private static byte[] ImageBytes(int count) => Enumerable.Range(0, count * 784).Select(i => (byte)(i * 7 % 251)).ToArray();

    private static void WriteSplit(TempDirectory dir, string prefix, int count, byte[]? labels = null, bool gzip = true)
    {
        var suffix = gzip ? ".gz" : "";
        TestFiles.WriteIdx(dir.File($"{prefix}-images-idx3-ubyte{suffix}"), 2051, [count, 28, 28], ImageBytes(count), gzip);
        TestFiles.WriteIdx(dir.File($"{prefix}-labels-idx1-ubyte{suffix}"), 2049, [count],
            labels ?? Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), gzip);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_gzip_and_plain_idx_files(bool gzip)
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 5, gzip: gzip);
        var ds = MnistDatasets.FashionMnist(train: true, dir.Path);

        Assert.Equal("fashion-mnist/train", ds.Name);
        Assert.Equal(5, ds.Count);
        Assert.Equal(10, ds.NumClasses);
        Assert.Equal("Ankle boot", ds.ClassNames[9]);
        Assert.Equal(new ImageGeometry(1, 28, 28), ds.Geometry);
        var expected = ImageBytes(5);
        for (var i = 0; i < 5; i++)
        {
            var (image, label) = ds.Get(i);
            Assert.Equal(i % 10, label);
            Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
            Assert.Equal(expected.AsSpan(i * 784, 784).ToArray(), image.Pixels);
        }
    }

    [Fact]
    public void Get_returns_a_copy_the_caller_may_modify()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "t10k", 2);
        var ds = MnistDatasets.Mnist(train: false, dir.Path);
        ds.Get(1).Image.Pixels[0] ^= 0xFF;
        Assert.Equal(ImageBytes(2)[784], ds.Get(1).Image.Pixels[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Get(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Get(-1));
    }

    [Fact]
    public void Missing_files_say_what_to_put_where()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<DatasetNotFoundException>(() => MnistDatasets.FashionMnist(train: false, dir.Path));
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", e.Message);
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void Bad_magic_names_the_file()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 3);
        // A label file where the image file should be.
        TestFiles.WriteIdx(dir.File("train-images-idx3-ubyte.gz"), 2049, [3], [1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Equal(dir.File("train-images-idx3-ubyte.gz"), e.FilePath);
        Assert.Contains("magic number 2049", e.Message);
        Assert.Contains("expected 2051", e.Message);
    }

    [Fact]
    public void Truncated_image_data_is_an_error_naming_the_first_incomplete_record()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 4);
        var full = ImageBytes(4);
        TestFiles.WriteIdx(dir.File("train-images-idx3-ubyte.gz"), 2051, [4, 28, 28], full[..(2 * 784 + 100)]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("record 2 is the first incomplete one", e.Message);
        Assert.Equal(dir.File("train-images-idx3-ubyte.gz"), e.FilePath);
    }

    [Fact]
    public void Truncated_header_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 2);
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0]);
        File.Delete(dir.File("train-labels-idx1-ubyte.gz"));
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("dimension 0", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_stream_is_an_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 3);
        var path = dir.File("train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x55; // inside the CRC-32 of the gzip trailer
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("corrupt gzip data", e.Message);
        Assert.Contains("CRC-32", e.Message);
        // .NET's own message for a failed trailer check speaks of an "unsupported compression method".
        Assert.DoesNotContain("compression method", e.Message);
    }

    [Fact]
    public void A_header_announcing_more_than_the_file_can_hold_is_refused_before_allocating()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 3);
        TestFiles.WriteIdx(dir.File("train-images-idx3-ubyte.gz"), 2051, [2_000_000, 28, 28], new byte[100]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("more than a file of this size can hold", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the refusal allocated the announced data");
    }

    [Fact]
    public void Gzip_file_cut_short_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 3);
        var path = dir.File("train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Trailing_bytes_beyond_the_header_are_an_error()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 2);
        TestFiles.WriteIdx(dir.File("train-labels-idx1-ubyte.gz"), 2049, [2], [1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("more data than its header", e.Message);
    }

    [Fact]
    public void Label_outside_the_class_range_names_file_and_record()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 4, labels: [1, 2, 10, 3]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Equal(dir.File("train-labels-idx1-ubyte.gz"), e.FilePath);
        Assert.Equal(2, e.RecordIndex);
        Assert.Contains("label 10", e.Message);
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 4);
        TestFiles.WriteIdx(dir.File("train-labels-idx1-ubyte.gz"), 2049, [3], [1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("3 labels", e.Message);
        Assert.Contains("4 images", e.Message);
    }

    [Fact]
    public void Wrong_image_size_is_an_error()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir, "train", 2);
        TestFiles.WriteIdx(dir.File("train-images-idx3-ubyte.gz"), 2051, [2, 32, 32], new byte[2 * 1024]);
        var e = Assert.Throws<DatasetException>(() => MnistDatasets.FashionMnist(true, dir.Path));
        Assert.Contains("28x28", e.Message);
        Assert.Contains("32x32", e.Message);
    }

    // The real files, from Debian's dataset-fashion-mnist package (scripts/setup.sh installs it).
    // Reference figures computed independently with Python's gzip module.
    [FashionMnistTheory]
    [InlineData(true, 60000, 9, 0, 76247)]
    [InlineData(false, 10000, 9, 2, 33456)]
    public void Reads_the_installed_fashion_mnist(bool train, int count, int label0, int label1, int pixelSum0)
    {
        var ds = MnistDatasets.FashionMnist(train);
        Assert.Equal(count, ds.Count);
        Assert.Equal(label0, ds.Get(0).Label);
        Assert.Equal(label1, ds.Get(1).Label);
        Assert.Equal(pixelSum0, ds.Get(0).Image.Pixels.Sum(p => p));
        // Fashion-MNIST is balanced: every class has a tenth of the records.
        Assert.All(ds.Labels.GroupBy(l => l), g => Assert.Equal(count / 10, g.Count()));
    }
}
