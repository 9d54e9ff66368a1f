namespace SharpDistill.TorchImport;

/// <summary>
/// Turns checkpoint keys into module names: removes wrapper prefixes that every key carries
/// ("module." from DataParallel), then applies the caller's key mapping.
/// </summary>
internal static class StateDictKeys
{
    public sealed record Result(
        List<KeyValuePair<string, CheckpointTensor>> Entries,
        IReadOnlyList<string> StrippedPrefixes,
        IReadOnlyList<string> Dropped);

    public static Result Normalize(string path, List<KeyValuePair<string, CheckpointTensor>> entries, ImportOptions options)
    {
        var stripped = new List<string>();
        foreach (var prefix in options.StripPrefixes)
        {
            if (string.IsNullOrEmpty(prefix) || !entries.All(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))) continue;
            entries = entries.Select(e => new KeyValuePair<string, CheckpointTensor>(e.Key[prefix.Length..], e.Value)).ToList();
            stripped.Add(prefix);
        }

        if (options.MapKey is not { } map) return new(entries, stripped, Array.Empty<string>());
        var mapped = new List<KeyValuePair<string, CheckpointTensor>>(entries.Count);
        var dropped = new List<string>();
        var sources = new Dictionary<string, string>();
        foreach (var (key, tensor) in entries)
        {
            if (map(key) is not { } name)
            {
                dropped.Add(key);
                continue;
            }
            if (!sources.TryAdd(name, key))
                throw new CheckpointFormatException($"'{path}': the key mapping sends both '{sources[name]}' and '{key}' to '{name}'");
            mapped.Add(new(name, tensor));
        }
        return new(mapped, stripped, dropped);
    }
}
