namespace SharpDistill.Data;

/// <summary>
/// MNIST and Fashion-MNIST from their IDX files (gzip-compressed or not): 28×28 grayscale images,
/// 10 classes, 60,000 training and 10,000 test records.
/// </summary>
public static class MnistDatasets
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly IReadOnlyList<string> FashionMnistClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly IReadOnlyList<string> MnistClassNames = DatasetChecks.NumberedClassNames(10);

    private const int Side = 28;

    /// <summary>Fashion-MNIST's train or test split, from <paramref name="directory"/> (default: Debian's location).</summary>
    public static PackedImageDataset FashionMnist(bool train, string? directory = null) =>
        Load("fashion-mnist", directory ?? DefaultFashionMnistDirectory, train, FashionMnistClassNames,
            "install Debian's dataset-fashion-mnist package, or copy the four files of the Fashion-MNIST release there");

    /// <summary>MNIST's train or test split, from <paramref name="directory"/>.</summary>
    public static PackedImageDataset Mnist(bool train, string directory) =>
        Load("mnist", directory, train, MnistClassNames, "copy the four files of the MNIST release there");

    private static PackedImageDataset Load(string name, string directory, bool train, IReadOnlyList<string> classNames, string howToGet)
    {
        var prefix = train ? "train" : "t10k";
        var imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte");
        if (imagesPath == null || labelsPath == null)
            throw new DatasetNotFoundException(
                $"{name} ({(train ? "train" : "test")} split) not found: expected {prefix}-images-idx3-ubyte.gz and " +
                $"{prefix}-labels-idx1-ubyte.gz (or the same names without .gz) in {Path.GetFullPath(directory)}; {howToGet}");

        var (imageDims, pixels) = IdxFile.Read(imagesPath, IdxFile.ImageMagic);
        if (imageDims[1] != Side || imageDims[2] != Side)
            throw new DatasetException($"expected {Side}x{Side} images, the header says {imageDims[1]}x{imageDims[2]}", imagesPath);
        var (labelDims, labelBytes) = IdxFile.Read(labelsPath, IdxFile.LabelMagic);
        if (labelDims[0] != imageDims[0])
            throw new DatasetException(
                $"holds {labelDims[0]} labels but {Path.GetFileName(imagesPath)} holds {imageDims[0]} images", labelsPath);

        var labels = new int[labelBytes.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= classNames.Count)
                throw new DatasetException($"label {labels[i]} is outside [0, {classNames.Count})", labelsPath, i);
        }
        return new PackedImageDataset($"{name}/{(train ? "train" : "test")}", new ImageGeometry(1, Side, Side),
            pixels, labels, classNames);
    }

    /// <summary>The compressed file if present, else the plain one, else null.</summary>
    private static string? Find(string directory, string baseName)
    {
        foreach (var candidate in new[] { baseName + ".gz", baseName })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
