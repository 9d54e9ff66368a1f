namespace SharpDistill.Data;

/// <summary>
/// Images arranged as root/&lt;class&gt;/…/&lt;file&gt;, labelled like torchvision's ImageFolder: the class
/// folders sorted by name give labels 0, 1, …; each class folder is walked recursively (sub-folders
/// in sorted path order, files sorted by name). Images are decoded on demand in <see cref="Get"/>.
/// </summary>
/// <remarks>
/// Matching ImageFolder's order matters: pretrained teachers were trained with those labels. JPEG and
/// PNG files are read; a file with another image extension that ImageFolder would have read (BMP,
/// TIFF, WebP, …) is an error rather than silently skipped, because skipping it would shift every
/// later sample. Other files (annotations, boxes) are ignored, as ImageFolder does.
/// </remarks>
public sealed class ImageFolderDataset : IDataset
{
    private static readonly string[] SupportedExtensions = [".jpg", ".jpeg", ".png"];

    // torchvision's IMG_EXTENSIONS that this reader cannot decode.
    private static readonly string[] UnsupportedImageExtensions = [".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];

    private const int MaxDepth = 64;

    private readonly (string Path, int Label)[] samples;
    private readonly ImageColorMode mode;
    private readonly (int Width, int Height)? requiredSize;

    /// <summary>Scans <paramref name="root"/> for class folders and their images.</summary>
    /// <param name="requiredSize">When set, every image must have this size (checked as it is decoded).</param>
    public ImageFolderDataset(string root, string? name = null, ImageColorMode mode = ImageColorMode.Rgb,
        (int Width, int Height)? requiredSize = null)
        : this(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root))), Scan(root), mode, requiredSize)
    {
    }

    private ImageFolderDataset(string name, (string[] Classes, List<(string, int)> Samples) scan, ImageColorMode mode,
        (int Width, int Height)? requiredSize)
        : this(name, scan.Classes, scan.Samples, mode, requiredSize)
    {
    }

    /// <summary>A dataset over an explicit sample list (used by layouts that are not class folders).</summary>
    internal ImageFolderDataset(string name, IReadOnlyList<string> classNames, IReadOnlyList<(string Path, int Label)> samples,
        ImageColorMode mode, (int Width, int Height)? requiredSize)
    {
        Name = name;
        ClassNames = classNames;
        this.samples = samples.ToArray();
        this.mode = mode;
        this.requiredSize = requiredSize;
        foreach (var (path, label) in this.samples)
            if ((uint)label >= (uint)classNames.Count)
                throw new ArgumentException($"{path}: label {label} is outside [0, {classNames.Count})");
        var channels = mode == ImageColorMode.Gray ? 1 : 3;
        Geometry = requiredSize is var (w, h) ? new ImageGeometry(channels, w, h) : new ImageGeometry(channels);
    }

    public string Name { get; }
    public int Count => samples.Length;
    public int NumClasses => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }
    public ImageGeometry Geometry { get; }

    /// <summary>The image files and their labels, in sample order.</summary>
    public IReadOnlyList<(string Path, int Label)> Samples => samples;

    public LabeledImage Get(int index)
    {
        DatasetChecks.Index(this, index);
        var (path, label) = samples[index];
        var image = ImageDecoder.DecodeFile(path, mode, index);
        if (requiredSize is var (w, h) && (image.Width != w || image.Height != h))
            throw new DatasetException($"image is {image.Width}x{image.Height}, {Name} images must be {w}x{h}", path, index);
        return new LabeledImage(image, label);
    }

    /// <summary>The class folder names of <paramref name="root"/>, sorted by code point like Python's sorted().</summary>
    internal static string[] ScanClasses(string root)
    {
        if (!Directory.Exists(root))
            throw new DatasetNotFoundException($"image folder {Path.GetFullPath(root)} does not exist: put one sub-folder of images per class there");
        var classes = Directory.GetDirectories(root).Select(d => Path.GetFileName(d)!).ToArray();
        Array.Sort(classes, StringComparer.Ordinal);
        if (classes.Length == 0)
            throw new DatasetNotFoundException($"{Path.GetFullPath(root)} has no class sub-folders: put one sub-folder of images per class there");
        return classes;
    }

    private static (string[] Classes, List<(string, int)> Samples) Scan(string root)
    {
        var classes = ScanClasses(root);
        var samples = new List<(string, int)>();
        for (var label = 0; label < classes.Length; label++)
        {
            var files = ListImages(Path.Combine(root, classes[label]));
            if (files.Count == 0)
                throw new DatasetException($"class folder '{classes[label]}' holds no JPEG or PNG image", Path.Combine(root, classes[label]));
            samples.AddRange(files.Select(f => (f, label)));
        }
        return (classes, samples);
    }

    /// <summary>
    /// The images under <paramref name="folder"/>, in ImageFolder's order: directories (this one and
    /// every sub-folder, symbolic links followed) sorted by path, then each one's files sorted by name.
    /// </summary>
    internal static List<string> ListImages(string folder)
    {
        var directories = new List<string>();
        CollectDirectories(folder, 0, directories);
        directories.Sort(StringComparer.Ordinal);
        var images = new List<string>();
        foreach (var directory in directories)
        {
            var files = Directory.GetFiles(directory);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                var extension = Path.GetExtension(file).ToLowerInvariant();
                if (SupportedExtensions.Contains(extension)) images.Add(file);
                else if (UnsupportedImageExtensions.Contains(extension))
                    throw new DatasetException(
                        $"{extension} images are not supported (only JPEG and PNG): convert the file, or remove it", file);
            }
        }
        return images;
    }

    private static void CollectDirectories(string directory, int depth, List<string> into)
    {
        if (depth > MaxDepth)
            throw new DatasetException($"folders nest more than {MaxDepth} deep (a symbolic-link loop?)", directory);
        into.Add(directory);
        foreach (var sub in Directory.GetDirectories(directory)) CollectDirectories(sub, depth + 1, into);
    }
}
