using System.Globalization;
using System.Numerics;

namespace SharpDistill.Pickle;

/// <summary>Short, Python-flavoured descriptions of unpickled values for error messages.</summary>
internal static class PickleFormatting
{
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string s => "'" + (s.Length > 60 ? s[..57] + "..." : s) + "'",
        bool b => b ? "True" : "False",
        long or int or BigInteger => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => $"bytes[{bytes.Length}]",
        List<object?> list => $"list of {list.Count}",
        _ => value.ToString() ?? value.GetType().Name,
    };

    /// <summary>The Python type name of a value: what a user sees in "expected a tensor, got dict".</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        string => "str",
        bool => "bool",
        long or int or BigInteger => "int",
        double => "float",
        byte[] => "bytes",
        List<object?> => "list",
        PickleTuple => "tuple",
        PickleDict d => d.IsOrderedDict ? "OrderedDict" : "dict",
        IPythonValue v => v.PythonTypeName,
        _ => value.GetType().Name,
    };
}
