namespace SharpDistill.Data;

/// <summary>
/// Tiny-ImageNet-200 (64×64 RGB JPEGs, 200 classes; 100,000 train and 10,000 validation images) in
/// its release layout: tiny-imagenet-200/{wnids.txt, train/&lt;wnid&gt;/images/*.JPEG,
/// val/images/*.JPEG, val/val_annotations.txt}. The validation split may also be arranged as
/// val/&lt;wnid&gt;/…, the ImageFolder layout that mdistiller's code expects.
/// </summary>
/// <remarks>
/// Labels are the wnids' positions in sorted order — what ImageFolder assigns and therefore what the
/// published teachers were trained with — not their order in wnids.txt. Validation samples are
/// ordered by label, then file name, in both layouts. Grayscale JPEGs (a few in the set) become RGB.
/// </remarks>
public static class TinyImageNet
{
    public const int Side = 64;
    public const int NumClasses = 200;

    /// <summary>
    /// The train or validation split. <paramref name="root"/> is the folder containing
    /// tiny-imagenet-200, or tiny-imagenet-200 itself.
    /// </summary>
    public static ImageFolderDataset Load(bool train, string root)
    {
        var folder = Directory.Exists(Path.Combine(root, "tiny-imagenet-200")) ? Path.Combine(root, "tiny-imagenet-200") : root;
        var wnidsPath = Path.Combine(folder, "wnids.txt");
        var split = Path.Combine(folder, train ? "train" : "val");
        if (!File.Exists(wnidsPath) || !Directory.Exists(split))
            throw new DatasetNotFoundException(
                $"Tiny-ImageNet not found under {Path.GetFullPath(root)}: extract the tiny-imagenet-200 release there so that " +
                "tiny-imagenet-200/wnids.txt, tiny-imagenet-200/train/<wnid>/images/*.JPEG and tiny-imagenet-200/val/images/*.JPEG " +
                "with tiny-imagenet-200/val/val_annotations.txt exist");

        var classes = ReadWnids(wnidsPath);
        var name = $"tiny-imagenet/{(train ? "train" : "val")}";
        var annotations = Path.Combine(split, "val_annotations.txt");
        if (!train && File.Exists(annotations))
            return new ImageFolderDataset(name, classes, ReadValAnnotations(annotations, Path.Combine(split, "images"), classes),
                ImageColorMode.Rgb, (Side, Side));

        var folders = ImageFolderDataset.ScanClasses(split);
        if (!folders.SequenceEqual(classes))
        {
            var missing = classes.Except(folders).Take(5).ToArray();
            var extra = folders.Except(classes).Take(5).ToArray();
            throw new DatasetException(
                $"the class folders do not match wnids.txt (missing: {string.Join(", ", missing)}; not in wnids.txt: {string.Join(", ", extra)})",
                split);
        }
        return new ImageFolderDataset(split, name, ImageColorMode.Rgb, (Side, Side));
    }

    private static string[] ReadWnids(string path)
    {
        var wnids = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (wnids.Length != NumClasses || wnids.Distinct().Count() != NumClasses)
            throw new DatasetException($"expected {NumClasses} distinct wnids, found {wnids.Length} lines ({wnids.Distinct().Count()} distinct)", path);
        Array.Sort(wnids, StringComparer.Ordinal);
        return wnids;
    }

    /// <summary>Lines "file TAB wnid TAB box…"; every file must exist in <paramref name="imageFolder"/>.</summary>
    private static List<(string Path, int Label)> ReadValAnnotations(string path, string imageFolder, string[] sortedWnids)
    {
        var samples = new List<(string Path, int Label)>();
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var fields = lines[i].Split('\t');
            if (fields.Length < 2)
                throw new DatasetException($"line {i + 1} is not 'file<TAB>wnid<TAB>box…': '{lines[i]}'", path, i);
            var label = Array.BinarySearch(sortedWnids, fields[1], StringComparer.Ordinal);
            if (label < 0) throw new DatasetException($"line {i + 1} names wnid '{fields[1]}', which is not in wnids.txt", path, i);
            var file = Path.Combine(imageFolder, fields[0]);
            if (!File.Exists(file)) throw new DatasetException($"line {i + 1} names {file}, which does not exist", path, i);
            samples.Add((file, label));
        }
        if (samples.Count == 0) throw new DatasetException("lists no image", path);
        return samples.OrderBy(s => s.Label).ThenBy(s => Path.GetFileName(s.Path), StringComparer.Ordinal).ToList();
    }
}
