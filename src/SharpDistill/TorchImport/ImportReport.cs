using System.Text;

namespace SharpDistill.TorchImport;

/// <summary>What <see cref="TorchCheckpoint.ImportInto"/> did: where the weights came from and what happened to every key.</summary>
public sealed record ImportReport
{
    public required string Path { get; init; }
    public required CheckpointFormat Format { get; init; }

    /// <summary>"top level" or the key that held the state dict, e.g. "['model']".</summary>
    public required string StateDictLocation { get; init; }

    public required IReadOnlyList<string> StrippedPrefixes { get; init; }

    /// <summary>Module names whose values were copied from the checkpoint.</summary>
    public required IReadOnlyList<string> Loaded { get; init; }

    /// <summary>
    /// BatchNorm <c>num_batches_tracked</c> buffers absent from the checkpoint (saved before
    /// PyTorch 0.4.1): set to 0, as PyTorch does.
    /// </summary>
    public required IReadOnlyList<string> Filled { get; init; }

    /// <summary>Checkpoint keys left out on purpose: dropped by the key mapping, or a num_batches_tracked the module does not have.</summary>
    public required IReadOnlyList<string> Ignored { get; init; }

    /// <summary>Module names the checkpoint did not provide (only when not strict).</summary>
    public required IReadOnlyList<string> Missing { get; init; }

    /// <summary>Checkpoint keys the module has no place for (only when not strict).</summary>
    public required IReadOnlyList<string> Unexpected { get; init; }

    /// <summary>Entries whose dtype was converted to the module's, as "name: float16 → float32".</summary>
    public required IReadOnlyList<string> Converted { get; init; }

    /// <summary>Globals outside the allow-list read as inert placeholders (only with <see cref="ImportOptions.AllowUnknownGlobals"/>).</summary>
    public IReadOnlyList<string> Placeholders { get; init; } = [];

    public override string ToString()
    {
        var text = new StringBuilder($"imported {Loaded.Count} tensors from '{Path}' ({Format} format, state dict at {StateDictLocation})");
        if (StrippedPrefixes.Count > 0) text.Append($"; stripped prefix {string.Join(", ", StrippedPrefixes.Select(p => $"'{p}'"))}");
        void List(string label, IReadOnlyList<string> items)
        {
            if (items.Count > 0) text.Append($"; {label} ({items.Count}): {string.Join(", ", items)}");
        }
        List("filled with 0", Filled);
        List("ignored", Ignored);
        List("missing", Missing);
        List("unexpected", Unexpected);
        List("converted", Converted);
        List("read as inert placeholders, never imported or called", Placeholders);
        return text.ToString();
    }
}
