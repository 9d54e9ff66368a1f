namespace SharpDistill.Data;

/// <summary>Argument checks every dataset shares, so their messages read the same.</summary>
internal static class DatasetChecks
{
    public static void Index(IDataset dataset, int index)
    {
        if ((uint)index >= (uint)dataset.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"sample index {index} is outside {dataset.Name}, which has {dataset.Count} samples");
    }

    public static IReadOnlyList<string> NumberedClassNames(int numClasses) =>
        Enumerable.Range(0, numClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
