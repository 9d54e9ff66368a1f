using SharpDistill.Data;

namespace SharpDistill.Tests.Data;

public class ImageFolderDatasetTests
{
    private static void Copy(string image, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(TestFiles.Image(image), destination);
    }

    [Fact]
    public void Labels_and_order_follow_torchvision_image_folder()
    {
        using var dir = new TempDirectory();
        // Class folders sorted by code point ("B" < "a"); inside a class, directories sorted by path
        // and then files by name; non-image files ignored; extensions matched case-insensitively.
        Copy("rgb.png", dir.File("a", "z.png"));
        Copy("rgb_420.jpg", dir.File("a", "b.JPEG"));
        Copy("gray.png", dir.File("a", "sub", "a.png"));
        File.WriteAllText(dir.File("a", "notes.txt"), "ignored");
        Copy("rgb_444.jpg", dir.File("B", "x.jpg"));

        var ds = new ImageFolderDataset(dir.Path, name: "folders");
        Assert.Equal("folders", ds.Name);
        Assert.Equal(["B", "a"], ds.ClassNames);
        Assert.Equal(
            [(dir.File("B", "x.jpg"), 0), (dir.File("a", "b.JPEG"), 1), (dir.File("a", "z.png"), 1), (dir.File("a", "sub", "a.png"), 1)],
            ds.Samples);
        Assert.Equal(new ImageGeometry(3), ds.Geometry);

        var (image, label) = ds.Get(3);
        Assert.Equal(1, label);
        Assert.Equal(TestFiles.Expected["gray.png"].Rgb, image.Pixels); // grayscale file, RGB dataset
        Assert.Equal(1, new ImageFolderDataset(dir.Path, mode: ImageColorMode.Gray).Get(0).Image.Channels);
    }

    [Fact]
    public void Image_formats_it_cannot_read_are_errors_not_silently_skipped()
    {
        using var dir = new TempDirectory();
        Copy("rgb.png", dir.File("cat", "a.png"));
        File.WriteAllBytes(dir.File("cat", "b.webp"), [1, 2, 3]);
        var e = Assert.Throws<DatasetException>(() => new ImageFolderDataset(dir.Path));
        Assert.Equal(dir.File("cat", "b.webp"), e.FilePath);
        Assert.Contains(".webp", e.Message);
    }

    [Fact]
    public void Empty_class_folder_and_missing_root_are_errors()
    {
        using var dir = new TempDirectory();
        Copy("rgb.png", dir.File("cat", "a.png"));
        dir.Directory("dog");
        var e = Assert.Throws<DatasetException>(() => new ImageFolderDataset(dir.Path));
        Assert.Contains("'dog'", e.Message);
        Assert.Throws<DatasetNotFoundException>(() => new ImageFolderDataset(dir.File("missing")));
    }

    [Fact]
    public void Corrupt_image_names_file_and_sample_when_read()
    {
        using var dir = new TempDirectory();
        Copy("rgb.png", dir.File("cat", "a.png"));
        File.WriteAllBytes(dir.File("cat", "b.jpg"), File.ReadAllBytes(TestFiles.Image("rgb_420.jpg"))[..200]);
        var ds = new ImageFolderDataset(dir.Path);
        ds.Get(0);
        var e = Assert.Throws<DatasetException>(() => ds.Get(1));
        Assert.Equal(dir.File("cat", "b.jpg"), e.FilePath);
        Assert.Equal(1, e.RecordIndex);
    }

    // ---- Tiny-ImageNet ----

    private static readonly string[] Wnids =
        ["n03", "n01", "n02", .. Enumerable.Range(100, 197).Select(i => $"n{i}")]; // wnids.txt is not sorted

    public enum ValLayout { None, Annotations, ClassFolders }

    /// <summary>
    /// A miniature Tiny-ImageNet in the release layout: all 200 wnids (fewer are refused), one train
    /// image per class plus a grayscale one, and three validation images.
    /// </summary>
    internal static string MakeTinyImageNet(string parent, bool withTrain, ValLayout val)
    {
        var root = Path.Combine(parent, "tiny-imagenet-200");
        Directory.CreateDirectory(root);
        File.WriteAllLines(Path.Combine(root, "wnids.txt"), Wnids);
        if (withTrain)
        {
            foreach (var wnid in Wnids)
            {
                Copy("tiny_a.jpg", Path.Combine(root, "train", wnid, "images", $"{wnid}_0.JPEG"));
                File.WriteAllText(Path.Combine(root, "train", wnid, $"{wnid}_boxes.txt"), $"{wnid}_0.JPEG\t0\t0\t63\t63\n");
            }
            Copy("tiny_gray.jpg", Path.Combine(root, "train", "n02", "images", "n02_1.JPEG"));
        }
        if (val == ValLayout.ClassFolders)
        {
            Copy("tiny_b.jpg", Path.Combine(root, "val", "n02", "val_1.JPEG"));
            Copy("tiny_a.jpg", Path.Combine(root, "val", "n01", "val_0.JPEG"));
            Copy("tiny_a.jpg", Path.Combine(root, "val", "n03", "val_2.JPEG"));
        }
        else if (val == ValLayout.Annotations)
        {
            Copy("tiny_b.jpg", Path.Combine(root, "val", "images", "val_0.JPEG"));
            Copy("tiny_a.jpg", Path.Combine(root, "val", "images", "val_1.JPEG"));
            Copy("tiny_gray.jpg", Path.Combine(root, "val", "images", "val_2.JPEG"));
            File.WriteAllLines(Path.Combine(root, "val", "val_annotations.txt"),
                ["val_0.JPEG\tn03\t0\t0\t10\t10", "val_1.JPEG\tn01\t1\t2\t30\t40", "val_2.JPEG\tn01\t5\t5\t60\t60"]);
        }
        return parent;
    }

    [Fact]
    public void Tiny_imagenet_train_uses_sorted_wnids_as_labels()
    {
        using var dir = new TempDirectory();
        var ds = TinyImageNet.Load(train: true, MakeTinyImageNet(dir.Path, withTrain: true, ValLayout.None));
        Assert.Equal("tiny-imagenet/train", ds.Name);
        Assert.Equal(200, ds.NumClasses);
        Assert.Equal(["n01", "n02", "n03"], ds.ClassNames.Take(3));
        Assert.Equal(201, ds.Count); // the boxes files are not images
        Assert.Equal(new ImageGeometry(3, 64, 64), ds.Geometry);
        Assert.Equal(1, ds.Samples[2].Label);
        Assert.EndsWith("n02_1.JPEG", ds.Samples[2].Path);
        var (gray, _) = ds.Get(2);
        Assert.Equal(3, gray.Channels); // grayscale JPEG converted to RGB
        Assert.Equal(TestFiles.Expected["tiny_gray.jpg"].Rgb, gray.Pixels);

        // A class folder missing from train.
        Directory.Delete(Path.Combine(dir.Path, "tiny-imagenet-200", "train", "n03"), recursive: true);
        var missing = Assert.Throws<DatasetException>(() => TinyImageNet.Load(true, dir.Path));
        Assert.Contains("missing: n03", missing.Message);
    }

    [Fact]
    public void Tiny_imagenet_val_from_annotations_is_ordered_like_image_folder()
    {
        using var dir = new TempDirectory();
        var ds = TinyImageNet.Load(train: false, MakeTinyImageNet(dir.Path, withTrain: false, ValLayout.Annotations));
        Assert.Equal("tiny-imagenet/val", ds.Name);
        Assert.Equal(3, ds.Count);
        Assert.Equal([0, 0, 2], ds.Samples.Select(s => s.Label));
        Assert.Equal(["val_1.JPEG", "val_2.JPEG", "val_0.JPEG"], ds.Samples.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal(TestFiles.Expected["tiny_b.jpg"].Rgb, ds.Get(2).Image.Pixels);
    }

    [Fact]
    public void Tiny_imagenet_val_in_class_folders_must_match_wnids()
    {
        using var dir = new TempDirectory();
        MakeTinyImageNet(dir.Path, withTrain: false, ValLayout.ClassFolders);
        var e = Assert.Throws<DatasetException>(() => TinyImageNet.Load(train: false, Path.Combine(dir.Path, "tiny-imagenet-200")));
        Assert.Contains("missing: n100, n101", e.Message); // only 3 of the 200 class folders exist

        foreach (var wnid in Wnids.Skip(3)) Copy("tiny_a.jpg", dir.File("tiny-imagenet-200", "val", wnid, "v.JPEG"));
        var ds = TinyImageNet.Load(train: false, Path.Combine(dir.Path, "tiny-imagenet-200"));
        Assert.Equal(200, ds.Count);
        Assert.Equal((0, 1, 2), (ds.Samples[0].Label, ds.Samples[1].Label, ds.Samples[2].Label));
    }

    [Fact]
    public void Tiny_imagenet_errors_name_the_problem()
    {
        using var dir = new TempDirectory();
        var root = MakeTinyImageNet(dir.Path, withTrain: false, ValLayout.Annotations);
        // A validation image of the wrong size: found when it is read, naming file and sample.
        File.Copy(TestFiles.Image("rgb_420.jpg"), Path.Combine(root, "tiny-imagenet-200", "val", "images", "val_0.JPEG"), overwrite: true);
        var val = TinyImageNet.Load(false, root);
        var e = Assert.Throws<DatasetException>(() => val.Get(2));
        Assert.Contains("13x9", e.Message);
        Assert.Contains("64x64", e.Message);
        Assert.Equal(2, e.RecordIndex);
        Assert.EndsWith("val_0.JPEG", e.FilePath);

        // An annotation naming an unknown wnid.
        File.AppendAllLines(Path.Combine(root, "tiny-imagenet-200", "val", "val_annotations.txt"), ["val_1.JPEG\tn99\t0\t0\t1\t1"]);
        var bad = Assert.Throws<DatasetException>(() => TinyImageNet.Load(false, root));
        Assert.Contains("'n99'", bad.Message);
        Assert.Contains("line 4", bad.Message);

        // Too few wnids.
        File.WriteAllLines(Path.Combine(root, "tiny-imagenet-200", "wnids.txt"), Wnids.Take(199));
        Assert.Contains("expected 200 distinct wnids", Assert.Throws<DatasetException>(() => TinyImageNet.Load(false, root)).Message);

        using var empty = new TempDirectory();
        var notFound = Assert.Throws<DatasetNotFoundException>(() => TinyImageNet.Load(true, empty.Path));
        Assert.Contains("wnids.txt", notFound.Message);
    }

    [Fact]
    public void Imagenet_requires_1000_class_folders()
    {
        using var dir = new TempDirectory();
        Copy("rgb.png", dir.File("val", "n01", "a.png"));
        var e = Assert.Throws<DatasetException>(() => ImageNet.Load(false, dir.Path));
        Assert.Contains("1 class folders", e.Message);
        var missing = Assert.Throws<DatasetNotFoundException>(() => ImageNet.Load(true, dir.Path));
        Assert.Contains("train/<wnid>/*.JPEG", missing.Message);
    }
}
