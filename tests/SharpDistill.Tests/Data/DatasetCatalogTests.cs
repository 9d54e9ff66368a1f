using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class DatasetCatalogTests
{
    [Fact]
    public void Opens_datasets_by_name()
    {
        var fashion = DatasetCatalog.Open("fashion-mnist", train: false);
        Assert.Equal("fashion-mnist/test", fashion.Name);
        Assert.Equal(10000, fashion.Count);
        Assert.Same(Normalize.FashionMnist, DatasetCatalog.DefaultNormalize("fashion-mnist"));
        Assert.Same(Normalize.Cifar100, DatasetCatalog.DefaultNormalize("cifar100"));
        Assert.Same(Normalize.ImageNet, DatasetCatalog.DefaultNormalize("tiny-imagenet"));

        var cifar = DatasetCatalog.Open("cifar100", train: true, Path.Combine(TestFiles.Root, "cifar-100-python-py3"));
        Assert.Equal(7, cifar.Count);
    }

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Open("cifar1000", true, "/tmp"));
        Assert.Contains("'cifar1000'", e.Message);
        foreach (var name in new[] { "cifar10", "cifar100", "fashion-mnist", "image-folder", "imagenet", "mnist", "tiny-imagenet" })
            Assert.Contains(name, DatasetCatalog.Names);
        Assert.Contains("tiny-imagenet", e.Message);
    }

    [Fact]
    public void Datasets_without_a_default_location_need_a_root()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Open("cifar100", true));
        Assert.Contains("needs a root folder", e.Message);
    }

    [Fact]
    public void Image_folder_reads_train_and_val_subfolders()
    {
        using var dir = new TempDirectory();
        foreach (var split in new[] { "train", "val" })
        {
            dir.Directory(split, "cat");
            File.Copy(TestFiles.Image("rgb.png"), dir.File(split, "cat", "a.png"));
        }
        Assert.Equal("val", DatasetCatalog.Open("image-folder", false, dir.Path).Name);
        Assert.Equal(1, DatasetCatalog.Open("image-folder", true, dir.Path).Count);
    }
}

public class InMemoryDatasetTests
{
    [Fact]
    public void Holds_images_and_labels_and_checks_them()
    {
        var images = new[] { Images.Pattern(3, 2, 3, 0), Images.Pattern(3, 2, 3, 1) };
        var ds = new InMemoryDataset("mem", images, [1, 0], numClasses: 2, classNames: ["no", "yes"]);
        Assert.Equal((2, 2, "yes"), (ds.Count, ds.NumClasses, ds.ClassNames[1]));
        Assert.Equal(new ImageGeometry(3, 3, 2), ds.Geometry);
        var (image, label) = ds.Get(1);
        Assert.Equal(0, label);
        Assert.Equal(images[1].Pixels, image.Pixels);
        Assert.NotSame(images[1].Pixels, image.Pixels);

        Assert.Equal(1, Assert.Throws<DatasetException>(() => new InMemoryDataset("mem", images, [1, 2], 2)).RecordIndex);
        Assert.Throws<ArgumentException>(() => new InMemoryDataset("mem", images, [1], 2));
        Assert.Throws<ArgumentException>(() => new InMemoryDataset("mem", images, [1, 0], 2, ["one"]));
        Assert.Throws<DatasetException>(() => new InMemoryDataset("mem", [images[0], Images.Pattern(3, 2, 1, 0)], [0, 0], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Get(2));
    }
}
