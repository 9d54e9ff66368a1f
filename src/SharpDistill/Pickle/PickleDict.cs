using System.Collections;

namespace SharpDistill.Pickle;

/// <summary>
/// A Python dict or collections.OrderedDict from a pickle, keeping insertion order as Python
/// does. Keys are strings, bytes (compared by content), integers (long or BigInteger), floats, bools or tuples.
/// </summary>
public sealed class PickleDict : IReadOnlyDictionary<object, object?>
{
    private readonly OrderedDictionary<object, object?> entries = new(PickleKeyComparer.Instance);
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
        if (key is null or List<object?> or PickleDict or IPythonValue)
            throw new PickleDataException($"unsupported dict key {PickleFormatting.Describe(key)}");
        entries[key] = value;
    }

    /// <summary>
    /// The value under the text key <paramref name="name"/>, written either as a Python 3 str or as
    /// a Python 2 str (bytes, as in the CIFAR python files).
    /// </summary>
    public bool TryGetText(string name, out object? value) =>
        entries.TryGetValue(name, out value) || entries.TryGetValue(System.Text.Encoding.Latin1.GetBytes(name), out value);

    internal void SetAttribute(string name, object? value) => attributes[name] = value;

    public override string ToString() => $"{(IsOrderedDict ? "OrderedDict" : "dict")} with {Count} entries";
}

/// <summary>Python's key equality for the keys a pickle can hold: bytes compare by content, the rest by value.</summary>
internal sealed class PickleKeyComparer : IEqualityComparer<object>
{
    public static readonly PickleKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) =>
        x is byte[] a && y is byte[] b ? a.AsSpan().SequenceEqual(b) : object.Equals(x, y);

    public int GetHashCode(object obj)
    {
        if (obj is not byte[] bytes) return obj.GetHashCode();
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
