using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Training;

namespace SharpDistill.Tests.Data;

/// <summary>STL-10's binary release on small fixture files written here in its format.</summary>
public class Stl10Tests
{
    private const int Side = 96, Plane = Side * Side, ImageBytes = 3 * Plane;

    /// <summary>A distinct value for each (image, channel, row, column): any transposition or channel swap changes it.</summary>
    internal static byte Pattern(int image, int channel, int row, int column) => (byte)((image * 41 + channel * 83 + row * 3 + column * 7) % 256);

    /// <summary>Writes split files in the release's layout: per image three planes, each stored column by column.</summary>
    internal static void WriteSplit(string folder, string split, byte[] labels)
    {
        Directory.CreateDirectory(folder);
        var images = new byte[labels.Length * ImageBytes];
        for (var i = 0; i < labels.Length; i++)
            for (var c = 0; c < 3; c++)
                for (var column = 0; column < Side; column++)
                    for (var row = 0; row < Side; row++)
                        images[i * ImageBytes + c * Plane + column * Side + row] = Pattern(i, c, row, column);
        File.WriteAllBytes(Path.Combine(folder, $"{split}_X.bin"), images);
        File.WriteAllBytes(Path.Combine(folder, $"{split}_y.bin"), labels);
    }

    [Fact]
    public void Reads_column_major_planes_as_rows_of_rgb_pixels()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Directory("stl10_binary"), "train", [1, 10, 5]);
        var ds = Stl10.Load(train: true, dir.Path);

        Assert.Equal("stl10/train", ds.Name);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new ImageGeometry(3, 96, 96), ds.Geometry);
        Assert.Equal(["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"], ds.ClassNames);
        Assert.Equal([0, 9, 4], ds.Labels);
        for (var i = 0; i < 3; i++)
        {
            var image = ds.Get(i).Image;
            for (var row = 0; row < Side; row++)
                for (var column = 0; column < Side; column++)
                    for (var c = 0; c < 3; c++)
                        Assert.Equal(Pattern(i, c, row, column), image.Pixels[(row * Side + column) * 3 + c]);
        }
    }

    [Fact]
    public void The_first_bytes_of_a_plane_are_its_left_column()
    {
        // A red plane whose first 96 bytes are 255: in the release's column-major order that is the
        // left column of the image (x = 0, every y), not its top row.
        using var dir = new TempDirectory();
        var images = new byte[ImageBytes];
        Array.Fill(images, (byte)255, 0, Side);
        File.WriteAllBytes(dir.PathOf("test_X.bin"), images);
        File.WriteAllBytes(dir.PathOf("test_y.bin"), [3]);
        var image = Stl10.Load(train: false, dir.Path).Get(0).Image;
        Assert.Equal(255, image.Pixels[(50 * Side + 0) * 3]);  // y 50, x 0, red
        Assert.Equal(0, image.Pixels[(0 * Side + 50) * 3]);    // y 0, x 50, red
        Assert.Equal(0, image.Pixels[(50 * Side + 0) * 3 + 1]); // green untouched
    }

    [Fact]
    public void Class_names_come_from_the_release_file_when_present()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "test", [2]);
        File.WriteAllLines(dir.PathOf("class_names.txt"), Enumerable.Range(0, 10).Select(i => $"name{i}"));
        Assert.Equal("name1", Stl10.Load(train: false, dir.Path).ClassNames[1]);
    }

    [Theory]
    [InlineData("train_X.bin")]
    [InlineData("train_y.bin")]
    public void A_missing_file_says_which_file_to_put_where(string missing)
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "train", [1]);
        File.Delete(dir.PathOf(missing));
        var e = Assert.Throws<DatasetNotFoundException>(() => Stl10.Load(train: true, dir.Path));
        Assert.Contains(missing, e.Message);
        Assert.Contains("stl10_binary/train_X.bin", e.Message);
        Assert.Contains(dir.Path, e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void An_image_file_of_the_wrong_size_is_refused_naming_it(int extraBytes)
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "train", [1, 2]);
        var path = dir.PathOf("train_X.bin");
        var bytes = File.ReadAllBytes(path);
        byte[] wrong = extraBytes switch { 0 => [], > 0 => [.. bytes, 0], _ => bytes[..^1] };
        File.WriteAllBytes(path, wrong);
        var e = Assert.Throws<DatasetException>(() => Stl10.Load(train: true, dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains("wrong size", e.Message);
    }

    [Fact]
    public void A_label_file_that_does_not_match_the_images_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "test", [1, 2]);
        File.WriteAllBytes(dir.PathOf("test_y.bin"), [1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => Stl10.Load(train: false, dir.Path));
        Assert.Contains(dir.PathOf("test_y.bin"), e.Message);
        Assert.Contains("holds 2 images", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void A_label_outside_1_to_10_is_refused_with_its_record(byte label)
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "test", [1, label]);
        var e = Assert.Throws<DatasetException>(() => Stl10.Load(train: false, dir.Path));
        Assert.Equal(1, e.RecordIndex);
        Assert.Contains($"label {label}", e.Message);
    }

    [Fact]
    public void Config_reaches_it_by_name_with_its_own_normalisation()
    {
        using var dir = new TempDirectory();
        WriteSplit(dir.Path, "train", [1, 2, 3]);
        var config = RunConfig.Load([], ["dataset.name=stl10", $"dataset.root={dir.Path}", "dataset.classes=[2, 0]"]);
        var train = RunFactory.OpenSplit(config, train: true);
        Assert.Equal(2, train.Count);
        Assert.Equal([1, 0], new[] { train.Get(0).Label, train.Get(1).Label });
        Assert.Equal(["car", "airplane"], train.ClassNames);
        Assert.Equal(0.4467f, DatasetCatalog.DefaultNormalize("stl10").Mean[0]);
        Assert.Contains("stl10", DatasetCatalog.Names);
    }
}
