using System.Text;
using SharpDistill.Pickle;

namespace SharpDistill.Data;

// The numpy values a CIFAR python pickle holds, built by NumpyGlobals. Nothing here can run code:
// a global is only a name, and numpy's two constructors are interpreted, never called.

/// <summary>An allowed numpy global, by name (module, qualified name).</summary>
internal sealed record NumpyGlobal(string Module, string Name) : IPythonValue
{
    public string PythonTypeName => $"{Module}.{Name}";

    public override string ToString() => PythonTypeName;
}

/// <summary>A numpy dtype of a plain numeric kind: kind ('b','i','u','f'), item size, byte order.</summary>
internal sealed class NumpyDType : IPythonValue
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

    public string PythonTypeName => "numpy.dtype";

    public override string ToString() => $"numpy dtype {ByteOrder}{Kind}{ItemSize}";
}

/// <summary>A numpy array: shape, dtype, memory order and the raw element bytes (set by BUILD).</summary>
internal sealed class NumpyArray : IPythonValue
{
    public long[] Shape { get; set; } = [];
    public NumpyDType? DType { get; set; }
    public bool FortranOrder { get; set; }
    public byte[]? Data { get; set; }
    public bool IsBuilt => Data != null;

    public string PythonTypeName => "numpy.ndarray";

    public override string ToString() => $"numpy array [{string.Join(", ", Shape)}] {DType}";
}

internal static class PickleText
{
    /// <summary>A short description of a pickled value for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        byte[] bytes => $"b'{Truncate(Encoding.Latin1.GetString(bytes))}'",
        PickleTuple t => $"tuple of {t.Count}",
        PickleDict d => $"dict of {d.Count}",
        _ => PickleFormatting.Describe(value),
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
