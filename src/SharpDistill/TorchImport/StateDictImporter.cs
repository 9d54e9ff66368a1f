using SharpDistill.Torch;
using SharpDistill.Torch.NN;

namespace SharpDistill.TorchImport;

/// <summary>
/// Copies a checkpoint's state dict into a module through <see cref="Module.LoadStateDict"/>
/// (which checks every shape and, when strict, every key), after the two adjustments PyTorch's
/// BatchNorm makes itself: a missing <c>num_batches_tracked</c> is filled with 0, and one the
/// module lacks is ignored.
/// </summary>
internal static class StateDictImporter
{
    private const string BatchesTracked = "num_batches_tracked";
    private const string RunningMean = "running_mean";

    public static ImportReport Import(Module module, CheckpointContent checkpoint, ImportOptions options)
    {
        var (location, found) = StateDictLocator.Find(checkpoint, options.StateDictKey);
        var keys = StateDictKeys.Normalize(checkpoint.Path, found, options);
        var own = module.NamedParameters().Concat(module.NamedBuffers()).ToDictionary(p => p.Key, p => p.Value);

        // A batch counter is reconciled only where both sides hold the same BatchNorm (its running
        // mean is on both): anything else is a genuine mismatch for LoadStateDict to report.
        var entries = new List<KeyValuePair<string, CheckpointTensor>>();
        var ignored = new List<string>(keys.Dropped);
        foreach (var entry in keys.Entries)
        {
            if (BatchNormOf(entry.Key) is { } bn && !own.ContainsKey(entry.Key) && own.ContainsKey(bn + RunningMean)) ignored.Add(entry.Key);
            else entries.Add(entry);
        }
        var provided = entries.Select(e => e.Key).ToHashSet();
        var filled = own.Keys.Where(k => BatchNormOf(k) is { } bn && !provided.Contains(k) && provided.Contains(bn + RunningMean)).ToList();

        using var scope = new TensorScope();
        var stateDict = new Dictionary<string, Tensor>();
        var converted = new List<string>();
        foreach (var (name, tensor) in entries)
        {
            stateDict[name] = Materialize(checkpoint.Path, name, tensor);
            if (own.TryGetValue(name, out var target) && tensor.ElementType.DType is { } from && from != target.DType)
                converted.Add($"{name}: {tensor.ElementType} → {target.DType.ToString().ToLowerInvariant()}");
        }
        foreach (var name in filled) stateDict[name] = Tensors.Zeros(Array.Empty<long>(), DType.Int64);

        try
        {
            module.LoadStateDict(stateDict, options.Strict);
        }
        catch (StateDictMismatchException e)
        {
            throw new StateDictMismatchException(
                $"'{checkpoint.Path}' (state dict at {location}{Stripped(keys.StrippedPrefixes)}): " + e.Message + PrefixHint(e.Missing, e.Unexpected),
                e.Missing, e.Unexpected, e.MisShaped);
        }

        return new ImportReport
        {
            Path = checkpoint.Path,
            Format = checkpoint.Format,
            StateDictLocation = location,
            StrippedPrefixes = keys.StrippedPrefixes,
            Loaded = entries.Select(e => e.Key).Where(own.ContainsKey).ToList(),
            Filled = filled,
            Ignored = ignored,
            Missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList(),
            Unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList(),
            Converted = converted,
        };
    }

    /// <summary>The entry as a tensor; an entry of a dtype SharpDistill.Torch lacks is reported with its key.</summary>
    internal static Tensor Materialize(string path, string name, CheckpointTensor tensor)
    {
        try
        {
            return tensor.ToTensor();
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"'{path}' state dict entry '{name}': {e.Message}", e);
        }
    }

    /// <summary>For "a.b.num_batches_tracked" the BatchNorm's prefix "a.b.", else null.</summary>
    private static string? BatchNormOf(string key) =>
        key == BatchesTracked || key.EndsWith("." + BatchesTracked, StringComparison.Ordinal) ? key[..^BatchesTracked.Length] : null;

    private static string Stripped(IReadOnlyList<string> prefixes) =>
        prefixes.Count == 0 ? "" : $", prefix {string.Join(", ", prefixes.Select(p => $"'{p}'"))} stripped";

    /// <summary>
    /// When every unexpected key is a missing key behind one common prefix (e.g. "backbone."),
    /// says so: the usual cause is a wrapper module in the model that saved the checkpoint.
    /// </summary>
    private static string PrefixHint(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected)
    {
        if (unexpected.Count == 0 || missing.Count == 0) return "";
        var missingSet = missing.ToHashSet();
        foreach (var candidate in missing.Where(m => unexpected[0].EndsWith(m, StringComparison.Ordinal)))
        {
            var prefix = unexpected[0][..^candidate.Length];
            if (prefix.Length > 0 && unexpected.All(u => u.StartsWith(prefix, StringComparison.Ordinal) && missingSet.Contains(u[prefix.Length..])))
                return $". Hint: the checkpoint's keys carry the extra prefix '{prefix}'; add it to ImportOptions.StripPrefixes";
        }
        return "";
    }
}
