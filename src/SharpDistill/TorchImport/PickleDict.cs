using System.Collections;

namespace SharpDistill.TorchImport;

/// <summary>
/// A Python dict or collections.OrderedDict from a checkpoint, keeping insertion order as Python
/// does. Keys are strings, integers (long or BigInteger), floats, bools or tuples.
/// </summary>
public sealed class PickleDict : IReadOnlyDictionary<object, object?>
{
    private readonly OrderedDictionary<object, object?> entries = new();
    private readonly Dictionary<string, object?> attributes = new();

    internal PickleDict(bool isOrderedDict) => IsOrderedDict = isOrderedDict;

    /// <summary>True for a collections.OrderedDict (what Module.state_dict() returns), false for a plain dict.</summary>
    public bool IsOrderedDict { get; }

    /// <summary>
    /// Instance attributes restored by pickle's BUILD, e.g. the <c>_metadata</c> (per-module version
    /// numbers) that PyTorch attaches to a state dict.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Attributes => attributes;

    public object? this[object key] => entries[key];

    public IEnumerable<object> Keys => entries.Keys;

    public IEnumerable<object?> Values => entries.Values;

    public int Count => entries.Count;

    public bool ContainsKey(object key) => entries.ContainsKey(key);

    public bool TryGetValue(object key, out object? value) => entries.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Set(object? key, object? value)
    {
        if (key is null or List<object?> or PickleDict or CheckpointTensor or CheckpointStorage or byte[])
            throw new PickleDataException($"unsupported dict key {PickleFormatting.Describe(key)}");
        entries[key] = value;
    }

    internal void SetAttribute(string name, object? value) => attributes[name] = value;

    public override string ToString() => $"{(IsOrderedDict ? "OrderedDict" : "dict")} with {Count} entries";
}
