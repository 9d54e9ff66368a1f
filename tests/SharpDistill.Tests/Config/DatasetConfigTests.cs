using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Models;
using SharpDistill.Tests.Data;
using SharpDistill.Training;

namespace SharpDistill.Tests.Config;

/// <summary>Every dataset the catalog can open is one a config can name.</summary>
public class DatasetConfigTests
{
    private static RunConfig Config(string name, string root) =>
        RunConfig.Load(Array.Empty<string>(), new[] { $"dataset.name={name}", $"dataset.root={root}" });

    [Fact]
    public void EveryCatalogDatasetHasAConfigName()
    {
        var reachable = Enum.GetValues<DatasetName>().Select(RunFactory.CatalogName).Order(StringComparer.Ordinal);
        Assert.Equal(DatasetCatalog.Names, reachable);
        foreach (var name in Enum.GetValues<DatasetName>())
        {
            RunFactory.ViewsFor(name); // every dataset has its augmentations
            Assert.Equal(name, RunConfig.Load(Array.Empty<string>(), new[] { $"dataset.name={RunFactory.CatalogName(name)}" }).Dataset.Name);
        }
    }

    [Fact]
    public void MnistIsReadFromItsRoot()
    {
        using var dir = new TempDirectory();
        foreach (var (prefix, count) in new[] { ("train", 6), ("t10k", 3) })
        {
            TestFiles.WriteIdx(dir.File($"{prefix}-images-idx3-ubyte.gz"), 2051, [count, 28, 28], new byte[count * 28 * 28]);
            TestFiles.WriteIdx(dir.File($"{prefix}-labels-idx1-ubyte.gz"), 2049, [count], Enumerable.Range(0, count).Select(i => (byte)i).ToArray());
        }
        var config = Config("mnist", dir.Path);
        Assert.Equal((6, "mnist/train"), (RunFactory.OpenSplit(config, train: true).Count, RunFactory.OpenSplit(config, train: true).Name));
        Assert.Equal(3, RunFactory.OpenSplit(config, train: false).Count);
        Assert.Equal(ModelVariant.TinyImageNet, RunFactory.VariantFor(config.Dataset.Name)); // 28-pixel images need global pooling
    }

    [Fact]
    public void AnImageFolderIsReadFromRootTrainAndRootVal()
    {
        using var dir = new TempDirectory();
        foreach (var (split, cls, image) in new[] { ("train", "cat", "rgb.png"), ("train", "dog", "rgb_420.jpg"), ("val", "cat", "rgb_444.jpg"), ("val", "dog", "rgb.png") })
        {
            dir.Directory(split, cls);
            File.Copy(TestFiles.Image(image), dir.File(split, cls, split + "-" + image));
        }
        var config = Config("image_folder", dir.Path);
        Assert.Equal(DatasetName.ImageFolder, config.Dataset.Name);
        var train = RunFactory.OpenSplit(config, train: true);
        Assert.Equal((2, 2), (train.Count, train.NumClasses));
        Assert.Equal(2, RunFactory.OpenSplit(config, train: false).Count);
        Assert.Throws<DatasetNotFoundException>(() => RunFactory.OpenSplit(Config("image-folder", dir.File("missing")), train: true));
    }
}
