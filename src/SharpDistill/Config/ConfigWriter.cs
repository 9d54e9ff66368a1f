using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SharpDistill.Config;

/// <summary>
/// Writes a config object as YAML with every key (the resolved config of a run), in declaration
/// order, so the file can be read back with <see cref="ConfigBinder"/> and gives the same config.
/// </summary>
public static class ConfigWriter
{
    public static string ToYaml(object root)
    {
        var builder = new StringBuilder();
        Write(builder, root, 0);
        return builder.ToString();
    }

    public static void WriteFile(object root, string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, ToYaml(root));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A short stable hash of the resolved config (hex SHA-256 prefix), e.g. to find an earlier run with the same settings.</summary>
    public static string Hash(object root) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToYaml(root))))[..16].ToLowerInvariant();

    private static void Write(StringBuilder builder, object section, int indent)
    {
        foreach (var member in ConfigNames.Members(section))
        {
            var value = member.Get();
            builder.Append(' ', indent).Append(member.Key).Append(':');
            if (value != null && !ConfigBinder.IsScalarType(member.Type) && value is not IList)
            {
                builder.Append('\n');
                Write(builder, value, indent + 2);
            }
            else
            {
                builder.Append(' ').Append(Format(value)).Append('\n');
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        Enum e => ConfigNames.ToKey(e.ToString()),
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IList list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ when !ConfigBinder.IsScalarType(value.GetType()) => FlowSection(value),
        _ => Quote(value.ToString() ?? ""),
    };

    /// <summary>A section inside a list (a combination's term) as a YAML flow mapping: {method: 'kd', weight: 0.5}.</summary>
    private static string FlowSection(object section) =>
        "{" + string.Join(", ", ConfigNames.Members(section).Select(m => $"{m.Key}: {Format(m.Get())}")) + "}";

    // Round-trippable, and always recognisably a float ("1.0", not "1").
    private static string FormatDouble(double d)
    {
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || text.Contains("Infinity") || text.Contains("NaN") ? text : text + ".0";
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";
}
