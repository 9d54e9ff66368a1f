using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Training;

namespace SharpDistill.Tests.Data;

public class ClassSubsetDatasetTests
{
    private static InMemoryDataset Source()
    {
        var labels = new[] { 0, 3, 1, 3, 2, 1 };
        var images = labels.Select((l, i) => new ByteImage(2, 2, 1, Enumerable.Repeat((byte)(10 * i), 4).ToArray())).ToArray();
        return new InMemoryDataset("src", images, labels, 4, ["a", "b", "c", "d"]);
    }

    [Fact]
    public void Keeps_the_listed_classes_in_order_and_relabels_them_by_position()
    {
        var subset = new ClassSubsetDataset(Source(), [3, 1]);
        Assert.Equal(4, subset.Count);
        Assert.Equal(2, subset.NumClasses);
        Assert.Equal(["d", "b"], subset.ClassNames);
        // Source samples 1 (3), 2 (1), 3 (3), 5 (1), in their original order.
        Assert.Equal([0, 1, 0, 1], Enumerable.Range(0, 4).Select(i => subset.Get(i).Label));
        Assert.Equal([10, 20, 30, 50], Enumerable.Range(0, 4).Select(i => (int)subset.Get(i).Image.Pixels[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => subset.Get(4));
    }

    [Theory]
    [InlineData(new int[0], "at least one class")]
    [InlineData(new[] { 4 }, "class 4 is not a class")]
    [InlineData(new[] { 1, 1 }, "listed twice")]
    public void Bad_class_lists_are_refused(int[] classes, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new ClassSubsetDataset(Source(), classes));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_config_key_refuses_negative_and_repeated_classes_by_name()
    {
        var e = Assert.Throws<ConfigException>(() => RunConfig.Load([], ["dataset.classes=[1, 1]"]));
        Assert.Contains("dataset.classes", e.Message);
        e = Assert.Throws<ConfigException>(() => RunConfig.Load([], ["dataset.classes=[-1]"]));
        Assert.Contains("dataset.classes", e.Message);
    }

    [Fact]
    public void A_class_the_dataset_lacks_is_a_config_error_naming_the_key()
    {
        using var dir = new TempDirectory();
        Stl10Tests.WriteSplit(dir.Path, "test", [1]);
        var config = RunConfig.Load([], ["dataset.name=stl10", $"dataset.root={dir.Path}", "dataset.classes=[10]"]);
        var e = Assert.Throws<ConfigException>(() => RunFactory.OpenSplit(config, train: false));
        Assert.Contains("dataset.classes", e.Message);
        Assert.Contains("class 10", e.Message);
    }
}
