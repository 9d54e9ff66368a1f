namespace SharpDistill.Data;

/// <summary>
/// A dataset of same-sized images stored back to back in one HWC byte array, as the MNIST and CIFAR
/// readers produce it. The readers have validated every label and the array's length, so
/// <see cref="Get"/> only copies one record out.
/// </summary>
public sealed class PackedImageDataset : IDataset
{
    private readonly byte[] pixels;
    private readonly int[] labels;
    private readonly int recordBytes;

    internal PackedImageDataset(string name, ImageGeometry geometry, byte[] pixels, int[] labels,
        IReadOnlyList<string> classNames)
    {
        if (!geometry.IsFixedSize) throw new ArgumentException("a packed dataset needs a fixed image size", nameof(geometry));
        recordBytes = geometry.Width!.Value * geometry.Height!.Value * geometry.Channels;
        if ((long)recordBytes * labels.Length != pixels.Length)
            throw new ArgumentException($"{name}: {pixels.Length} pixel bytes do not hold {labels.Length} images of {geometry}");
        Name = name;
        Geometry = geometry;
        ClassNames = classNames;
        NumClasses = classNames.Count;
        this.pixels = pixels;
        this.labels = labels;
    }

    public string Name { get; }
    public int Count => labels.Length;
    public int NumClasses { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public ImageGeometry Geometry { get; }

    /// <summary>All labels in record order (a copy).</summary>
    public int[] Labels => (int[])labels.Clone();

    public LabeledImage Get(int index)
    {
        DatasetChecks.Index(this, index);
        var image = new byte[recordBytes];
        Array.Copy(pixels, (long)index * recordBytes, image, 0, recordBytes);
        return new LabeledImage(new ByteImage(Geometry.Width!.Value, Geometry.Height!.Value, Geometry.Channels, image), labels[index]);
    }
}
