namespace SharpDistill.Data;

/// <summary>
/// The samples of another dataset whose label is one of <c>classes</c>, in their original order,
/// relabelled by position in that list (classes [5, 6, 7] become labels 0, 1, 2). It lets one
/// dataset provide disjoint tasks, e.g. distil on Fashion-MNIST's first five classes and probe the
/// features on the other five (config: <c>dataset.classes</c>).
/// </summary>
public sealed class ClassSubsetDataset : IDataset
{
    private readonly IDataset source;
    private readonly int[] indices;
    private readonly int[] labels;

    public ClassSubsetDataset(IDataset source, IReadOnlyList<int> classes)
    {
        if (classes.Count == 0) throw new ArgumentException($"a class subset of {source.Name} needs at least one class");
        var position = new Dictionary<int, int>();
        for (var i = 0; i < classes.Count; i++)
        {
            if ((uint)classes[i] >= (uint)source.NumClasses)
                throw new ArgumentException($"class {classes[i]} is not a class of {source.Name}, which has classes 0..{source.NumClasses - 1}");
            if (!position.TryAdd(classes[i], i)) throw new ArgumentException($"class {classes[i]} is listed twice in the class subset of {source.Name}");
        }
        var sourceLabels = LabelsOf(source);
        var kept = new List<int>();
        var newLabels = new List<int>();
        for (var i = 0; i < sourceLabels.Count; i++)
        {
            if (!position.TryGetValue(sourceLabels[i], out var label)) continue;
            kept.Add(i);
            newLabels.Add(label);
        }
        this.source = source;
        indices = kept.ToArray();
        labels = newLabels.ToArray();
        Classes = classes.ToArray();
        ClassNames = Classes.Select(c => source.ClassNames[c]).ToArray();
        Name = $"{source.Name}[classes {string.Join(",", Classes)}]";
    }

    /// <summary>The source's class of each new label.</summary>
    public IReadOnlyList<int> Classes { get; }
    public string Name { get; }
    public int Count => indices.Length;
    public int NumClasses => Classes.Count;
    public IReadOnlyList<string> ClassNames { get; }
    public ImageGeometry Geometry => source.Geometry;

    public LabeledImage Get(int index)
    {
        DatasetChecks.Index(this, index);
        return new LabeledImage(source.Get(indices[index]).Image, labels[index]);
    }

    /// <summary>Every label of <paramref name="dataset"/>, without decoding images where the dataset lists them.</summary>
    private static IReadOnlyList<int> LabelsOf(IDataset dataset) => dataset switch
    {
        PackedImageDataset packed => packed.Labels,
        ImageFolderDataset folder => folder.Samples.Select(s => s.Label).ToArray(),
        _ => Enumerable.Range(0, dataset.Count).Select(i => dataset.Get(i).Label).ToArray(),
    };
}
