namespace SharpDistill.Data;

/// <summary>The first <c>count</c> samples of another dataset (quick runs, tests, the CPU main job).</summary>
public sealed class SubsetDataset : IDataset
{
    private readonly IDataset source;

    public SubsetDataset(IDataset source, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a subset needs at least one sample");
        this.source = source;
        Count = Math.Min(count, source.Count);
    }

    public string Name => $"{source.Name}[:{Count}]";
    public int Count { get; }
    public int NumClasses => source.NumClasses;
    public IReadOnlyList<string> ClassNames => source.ClassNames;
    public ImageGeometry Geometry => source.Geometry;

    public LabeledImage Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name} has {Count} samples");
        return source.Get(index);
    }
}
