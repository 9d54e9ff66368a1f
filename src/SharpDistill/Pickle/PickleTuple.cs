using System.Collections;

namespace SharpDistill.Pickle;

/// <summary>
/// A Python tuple from a pickle: an immutable list with structural equality, so tuples can be
/// dictionary keys as in Python.
/// </summary>
public sealed class PickleTuple : IReadOnlyList<object?>, IEquatable<PickleTuple>
{
    private readonly object?[] items;

    public PickleTuple(params object?[] items)
    {
        this.items = items;
        Depth = 1 + items.Select(item => item is PickleTuple inner ? inner.Depth : 0).DefaultIfEmpty(0).Max();
    }

    /// <summary>
    /// How many tuples deep this one nests (1 for a tuple holding no tuple). Equality, hashing and
    /// formatting recurse through nested tuples, so readers bound it before building deeper ones.
    /// </summary>
    public int Depth { get; }

    public static PickleTuple Empty { get; } = new();

    public int Count => items.Length;

    public object? this[int index] => items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    public bool Equals(PickleTuple? other) =>
        other is not null && items.Length == other.items.Length && items.Zip(other.items).All(p => Equals(p.First, p.Second));

    public override bool Equals(object? obj) => obj is PickleTuple t && Equals(t);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        "(" + string.Join(", ", items.Select(PickleFormatting.Describe)) + (items.Length == 1 ? ",)" : ")");
}
