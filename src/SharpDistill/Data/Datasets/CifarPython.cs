using SharpDistill.Pickle;
namespace SharpDistill.Data;

/// <summary>
/// The official CIFAR "python version": each file is a pickled dict whose b'data' is a uint8 numpy
/// array of shape [N, 3072] (planar RGB per row) and whose labels are lists of ints —
/// b'labels' for CIFAR-10 (cifar-10-batches-py), b'fine_labels' and b'coarse_labels' for CIFAR-100
/// (cifar-100-python). Read with <see cref="PickleReader"/>, which never executes anything.
/// </summary>
internal static class CifarPython
{
    public static PackedImageDataset ReadCifar10(string folder, bool train)
    {
        var files = train
            ? Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}")).ToArray()
            : [Path.Combine(folder, "test_batch")];
        var names = ReadNames(Path.Combine(folder, "batches.meta"), "label_names", 10) ?? CifarLayout.Cifar10ClassNames;
        var parts = files.Select(f => ReadBatch(f, [("labels", 10)], "labels")).ToList();
        return Concatenate($"cifar10/{(train ? "train" : "test")}", parts, names);
    }

    public static PackedImageDataset ReadCifar100(string folder, bool train, bool coarse)
    {
        var file = Path.Combine(folder, train ? "train" : "test");
        var classes = coarse ? 20 : 100;
        var names = ReadNames(Path.Combine(folder, "meta"), coarse ? "coarse_label_names" : "fine_label_names", classes)
                    ?? DatasetChecks.NumberedClassNames(classes);
        var part = ReadBatch(file, [("fine_labels", 100), ("coarse_labels", 20)], coarse ? "coarse_labels" : "fine_labels");
        return Concatenate($"cifar100{(coarse ? "-coarse" : "")}/{(train ? "train" : "test")}", [part], names);
    }

    /// <summary>
    /// Reads one batch file. Every label list in <paramref name="labelKeys"/> is checked (length and
    /// range); the one named <paramref name="use"/> is returned.
    /// </summary>
    private static (byte[] Pixels, int[] Labels) ReadBatch(string path, (string Key, int Classes)[] labelKeys, string use)
    {
        var dict = LoadDict(path);
        var array = Require(dict, "data", path) as NumpyArray;
        if (array is not { IsBuilt: true, DType: { Kind: 'u', ItemSize: 1 }, Shape: [_, CifarLayout.PixelBytes], FortranOrder: false })
            throw new DatasetException(
                $"'data' must be a C-ordered uint8 numpy array of shape [N, {CifarLayout.PixelBytes}], found {PickleText.Describe(array)}", path);
        var count = (int)array.Shape[0];

        int[]? chosen = null;
        foreach (var (key, classes) in labelKeys)
        {
            var list = Require(dict, key, path) as List<object?>
                       ?? throw new DatasetException($"'{key}' must be a list of ints", path);
            if (list.Count != count)
                throw new DatasetException($"'{key}' has {list.Count} entries but 'data' has {count} images", path);
            var labels = new int[count];
            for (var i = 0; i < count; i++)
            {
                if (list[i] is not long value || value < 0 || value >= classes)
                    throw new DatasetException($"'{key}' entry {PickleText.Describe(list[i])} is not a label in [0, {classes})", path, i);
                labels[i] = (int)value;
            }
            if (key == use) chosen = labels;
        }

        var pixels = new byte[(long)count * CifarLayout.PixelBytes];
        for (var i = 0; i < count; i++)
            CifarLayout.PlanarToHwc(array.Data.AsSpan(i * CifarLayout.PixelBytes, CifarLayout.PixelBytes),
                pixels.AsSpan(i * CifarLayout.PixelBytes, CifarLayout.PixelBytes));
        return (pixels, chosen!);
    }

    private static IReadOnlyList<string>? ReadNames(string path, string key, int expected)
    {
        if (!File.Exists(path)) return null;
        var list = Require(LoadDict(path), key, path) as List<object?>
                   ?? throw new DatasetException($"'{key}' must be a list of names", path);
        var names = list.Select(PickleText.AsText).ToArray();
        if (names.Length != expected || names.Any(n => n == null))
            throw new DatasetException($"'{key}' must hold {expected} strings, found {PickleText.Describe(list)}", path);
        return names!;
    }

    private static PickleDict LoadDict(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new DatasetException($"cannot read: {e.Message}", path, inner: e); }
        return PickleReader.Read(bytes, path) as PickleDict
               ?? throw new DatasetException("the pickle does not hold a dict, so it is not a CIFAR python batch", path);
    }

    private static object? Require(PickleDict dict, string key, string path) =>
        dict.TryGetText(key, out var value)
            ? value
            : throw new DatasetException($"the pickled dict has no '{key}' entry (keys: {string.Join(", ", dict.Keys.Select(PickleText.Describe))})", path);

    private static PackedImageDataset Concatenate(string name, List<(byte[] Pixels, int[] Labels)> parts, IReadOnlyList<string> names)
    {
        var pixels = parts.Count == 1 ? parts[0].Pixels : parts.SelectMany(p => p.Pixels).ToArray();
        var labels = parts.Count == 1 ? parts[0].Labels : parts.SelectMany(p => p.Labels).ToArray();
        return new PackedImageDataset(name, CifarLayout.Geometry, pixels, labels, names);
    }
}
