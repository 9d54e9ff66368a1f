using SharpDistill.Pickle;
namespace SharpDistill.TorchImport;

/// <summary>
/// Finds the state dict (parameter and buffer name → tensor) inside a loaded checkpoint: the top
/// level itself (<c>torch.save(model.state_dict())</c>) or a training checkpoint's entry
/// ("state_dict", "model_state_dict", "model").
/// </summary>
internal static class StateDictLocator
{
    private static readonly string[] ConventionalKeys = { "state_dict", "model_state_dict", "model" };

    /// <summary>The state dict's entries in saved order, and where it was found (for reports).</summary>
    public static (string Location, List<KeyValuePair<string, CheckpointTensor>> Entries) Find(CheckpointContent checkpoint, string? key)
    {
        if (checkpoint.Root is not PickleDict root)
            throw new CheckpointFormatException(
                $"'{checkpoint.Path}' holds a {PickleFormatting.TypeName(checkpoint.Root)}, not a dict, so it has no state dict");
        if (key != null)
        {
            if (!root.TryGetValue(key, out var value))
                throw new CheckpointFormatException($"'{checkpoint.Path}' has no key '{key}' (top-level keys: {Summary(root)})");
            return AsStateDict(value) is { } chosen
                ? ($"['{key}']", chosen)
                : throw new CheckpointFormatException(
                    $"'{checkpoint.Path}' entry '{key}' is a {Describe(value)}, not a state dict of name → tensor");
        }
        if (AsStateDict(root) is { } top) return ("top level", top);
        foreach (var candidate in ConventionalKeys)
            if (root.TryGetValue(candidate, out var value) && AsStateDict(value) is { } found)
                return ($"['{candidate}']", found);
        throw new CheckpointFormatException(
            $"'{checkpoint.Path}' holds no state dict at its top level nor under {string.Join(", ", ConventionalKeys.Select(k => $"'{k}'"))} " +
            $"(top-level keys: {Summary(root)}); name the key with ImportOptions.StateDictKey");
    }

    /// <summary>The entries of a non-empty dict whose keys are all strings and values all tensors, else null.</summary>
    private static List<KeyValuePair<string, CheckpointTensor>>? AsStateDict(object? value)
    {
        if (value is not PickleDict { Count: > 0 } dict) return null;
        var entries = new List<KeyValuePair<string, CheckpointTensor>>(dict.Count);
        foreach (var (k, v) in dict)
        {
            if (k is not string name || v is not CheckpointTensor tensor) return null;
            entries.Add(new(name, tensor));
        }
        return entries;
    }

    private static string Summary(PickleDict dict) =>
        string.Join(", ", dict.Take(12).Select(p => $"{PickleFormatting.Describe(p.Key)} ({Describe(p.Value)})")) +
        (dict.Count > 12 ? $", ... ({dict.Count} in all)" : "");

    private static string Describe(object? value) => value switch
    {
        PickleDict d => $"{PickleFormatting.TypeName(d)} of {d.Count}",
        List<object?> l => $"list of {l.Count}",
        _ => PickleFormatting.TypeName(value),
    };
}
