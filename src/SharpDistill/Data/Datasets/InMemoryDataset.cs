namespace SharpDistill.Data;

/// <summary>
/// A dataset held in memory: for tests, benchmarks, and data produced by code rather than read
/// from files. Every image is checked against the declared geometry and every label against the
/// class range up front, so a bad sample fails at construction, not mid-epoch.
/// </summary>
public sealed class InMemoryDataset : IDataset
{
    private readonly ByteImage[] images;
    private readonly int[] labels;

    /// <param name="name">For messages and logs, e.g. "shapes/train".</param>
    /// <param name="images">The images (1 or 3 channels, all with the same channels); the dataset keeps its own array of them.</param>
    /// <param name="labels">One class index in [0, <paramref name="numClasses"/>) per image.</param>
    /// <param name="numClasses">The number of classes.</param>
    /// <param name="classNames">Names in label order; null: "0", "1", ….</param>
    /// <exception cref="DatasetException">A label is out of range or the images' channels differ.</exception>
    public InMemoryDataset(string name, IReadOnlyList<ByteImage> images, IReadOnlyList<int> labels, int numClasses,
        IReadOnlyList<string>? classNames = null)
    {
        if (images.Count != labels.Count)
            throw new ArgumentException($"{name}: {images.Count} images but {labels.Count} labels");
        if (numClasses <= 0) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "needs at least one class");
        if (classNames != null && classNames.Count != numClasses)
            throw new ArgumentException($"{name}: {classNames.Count} class names for {numClasses} classes");
        Name = name;
        NumClasses = numClasses;
        ClassNames = classNames ?? DatasetChecks.NumberedClassNames(numClasses);
        this.images = images.ToArray();
        this.labels = labels.ToArray();
        for (var i = 0; i < this.labels.Length; i++)
            if ((uint)this.labels[i] >= (uint)numClasses)
                throw new DatasetException($"label {this.labels[i]} is outside [0, {numClasses})", name, i);
        Geometry = InferGeometry(name, this.images);
    }

    public string Name { get; }
    public int Count => images.Length;
    public int NumClasses { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public ImageGeometry Geometry { get; }

    public LabeledImage Get(int index)
    {
        DatasetChecks.Index(this, index);
        return new LabeledImage(images[index].Clone(), labels[index]);
    }

    private static ImageGeometry InferGeometry(string name, ByteImage[] images)
    {
        if (images.Length == 0) return new ImageGeometry(3);
        var first = images[0];
        var fixedSize = true;
        for (var i = 1; i < images.Length; i++)
        {
            if (images[i].Channels != first.Channels)
                throw new DatasetException($"image has {images[i].Channels} channels but image 0 has {first.Channels}", name, i);
            fixedSize &= images[i].Width == first.Width && images[i].Height == first.Height;
        }
        return fixedSize ? new ImageGeometry(first.Channels, first.Width, first.Height) : new ImageGeometry(first.Channels);
    }
}
