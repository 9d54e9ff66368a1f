using System.Text;

namespace SharpDistill.Data;

// The values the strict unpickler builds. Python None, bool, int, str/bytes, list map to null, bool,
// long, string/byte[], List<object?>; the types below cover the rest. Nothing here can run code:
// a "global" is only a name, and the two numpy constructors are interpreted, never called.

/// <summary>A Python tuple.</summary>
internal sealed record PickleTuple(object?[] Items)
{
    public int Count => Items.Length;
    public object? this[int i] => Items[i];
}

/// <summary>A reference to a Python global by name (module, qualified name); only allowed names ever appear.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// A Python dict, keeping insertion order. Keys written by Python 2 are byte strings and by Python 3
/// often text; <see cref="TryGet"/> matches an ASCII key in either form.
/// </summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = new();

    public bool TryGet(string key, out object? value)
    {
        foreach (var (k, v) in Items)
        {
            if ((k is string s && s == key) || (k is byte[] b && Encoding.Latin1.GetString(b) == key))
            {
                value = v;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerable<string> KeyNames => Items.Select(kv => PickleText.Describe(kv.Key));
}

/// <summary>A numpy dtype of a plain numeric kind: kind ('b','i','u','f'), item size, byte order.</summary>
internal sealed class NumpyDType
{
    public NumpyDType(char kind, int itemSize)
    {
        Kind = kind;
        ItemSize = itemSize;
    }

    public char Kind { get; }
    public int ItemSize { get; }

    /// <summary>'|' (not applicable), '&lt;', '&gt;' or '='; set by BUILD.</summary>
    public char ByteOrder { get; set; } = '=';

    public bool IsBuilt { get; set; }

    public override string ToString() => $"{ByteOrder}{Kind}{ItemSize}";
}

/// <summary>A numpy array: shape, dtype, memory order and the raw element bytes (set by BUILD).</summary>
internal sealed class NumpyArray
{
    public long[] Shape { get; set; } = [];
    public NumpyDType? DType { get; set; }
    public bool FortranOrder { get; set; }
    public byte[]? Data { get; set; }
    public bool IsBuilt => Data != null;
}

internal static class PickleText
{
    /// <summary>A short description of a pickled value for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        long n => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string s => $"'{Truncate(s)}'",
        byte[] bytes => $"b'{Truncate(Encoding.Latin1.GetString(bytes))}'",
        PickleTuple t => $"tuple of {t.Count}",
        List<object?> l => $"list of {l.Count}",
        PickleDict d => $"dict of {d.Items.Count}",
        PickleGlobal g => g.ToString(),
        NumpyArray a => $"numpy array [{string.Join(", ", a.Shape)}] {a.DType}",
        NumpyDType dt => $"numpy dtype {dt}",
        _ => value.GetType().Name,
    };

    /// <summary>A text value written either as Python 2 str (bytes) or Python 3 str.</summary>
    public static string? AsText(object? value) => value switch
    {
        string s => s,
        byte[] b => Encoding.Latin1.GetString(b),
        _ => null,
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
