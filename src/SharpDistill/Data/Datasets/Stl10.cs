namespace SharpDistill.Data;

/// <summary>
/// STL-10's labelled splits from the binary release (folder stl10_binary): train_X.bin / train_y.bin
/// (5,000 images) and test_X.bin / test_y.bin (8,000), 96×96 RGB, 10 classes. The image files hold
/// raw bytes with no header, each image as three planes (R, G, B), each plane column by column;
/// the label files hold one byte per image, 1 to 10. The unlabelled split is not read.
/// </summary>
public static class Stl10
{
    public const int Side = 96;
    public const int NumClasses = 10;
    private const int PlaneBytes = Side * Side;
    private const int ImageBytes = 3 * PlaneBytes;

    /// <summary>The class names of the release (class_names.txt), used when that file is absent.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"];

    /// <summary>
    /// The train or test split. <paramref name="root"/> is the folder containing stl10_binary, or
    /// stl10_binary itself. Every image and label is read and checked up front.
    /// </summary>
    public static PackedImageDataset Load(bool train, string root)
    {
        var folder = Directory.Exists(Path.Combine(root, "stl10_binary")) ? Path.Combine(root, "stl10_binary") : root;
        var split = train ? "train" : "test";
        var imagesPath = Path.Combine(folder, $"{split}_X.bin");
        var labelsPath = Path.Combine(folder, $"{split}_y.bin");
        foreach (var path in new[] { imagesPath, labelsPath })
            if (!File.Exists(path))
                throw new DatasetNotFoundException(
                    $"STL-10 ({split} split) not found: {Path.GetFullPath(path)} does not exist; extract the STL-10 binary release " +
                    $"(stl10_binary.tar.gz) under {Path.GetFullPath(root)} so that stl10_binary/{split}_X.bin and " +
                    $"stl10_binary/{split}_y.bin exist (SharpDistill never downloads data)");

        var images = ReadAll(imagesPath);
        if (images.Length == 0 || images.Length % ImageBytes != 0)
            throw new DatasetException(
                $"wrong size for an STL-10 image file: {images.Length} bytes is not a whole, non-zero number of " +
                $"{ImageBytes}-byte images (3x{Side}x{Side})", imagesPath);
        var count = images.Length / ImageBytes;
        var labelBytes = ReadAll(labelsPath);
        if (labelBytes.Length != count)
            throw new DatasetException(
                $"wrong size for an STL-10 label file: {labelBytes.Length} bytes, but {Path.GetFileName(imagesPath)} holds {count} images " +
                "(one label byte per image)", labelsPath);

        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            if (labelBytes[i] is < 1 or > NumClasses)
                throw new DatasetException($"label {labelBytes[i]} is outside STL-10's 1..{NumClasses}", labelsPath, i);
            labels[i] = labelBytes[i] - 1;
        }
        var pixels = new byte[(long)count * ImageBytes];
        for (var i = 0; i < count; i++)
            ColumnMajorPlanesToHwc(images.AsSpan(i * ImageBytes, ImageBytes), pixels.AsSpan(i * ImageBytes, ImageBytes));
        var names = ReadClassNames(Path.Combine(folder, "class_names.txt")) ?? ClassNames;
        return new PackedImageDataset($"stl10/{split}", new ImageGeometry(3, Side, Side), pixels, labels, names);
    }

    /// <summary>One image: three planes stored column by column → rows of interleaved RGB pixels.</summary>
    internal static void ColumnMajorPlanesToHwc(ReadOnlySpan<byte> source, Span<byte> target)
    {
        for (var channel = 0; channel < 3; channel++)
        {
            var plane = source.Slice(channel * PlaneBytes, PlaneBytes);
            for (var column = 0; column < Side; column++)
                for (var row = 0; row < Side; row++)
                    target[(row * Side + column) * 3 + channel] = plane[column * Side + row];
        }
    }

    private static byte[] ReadAll(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (IOException e) { throw new DatasetException($"cannot read: {e.Message}", path, inner: e); }
        catch (UnauthorizedAccessException e) { throw new DatasetException($"cannot read: {e.Message}", path, inner: e); }
    }

    /// <summary>The release's class_names.txt (ten non-empty lines), or null when absent or not that.</summary>
    private static IReadOnlyList<string>? ReadClassNames(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > 4096) return null;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length == NumClasses ? names : null;
    }
}
