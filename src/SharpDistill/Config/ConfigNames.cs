using System.Reflection;
using System.Text;

namespace SharpDistill.Config;

/// <summary>Maps C# property names to the snake_case keys used in YAML and --set (LrDecayStages ↔ lr_decay_stages).</summary>
public static class ConfigNames
{
    public static string ToKey(string propertyName)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(propertyName[i - 1]) || char.IsDigit(propertyName[i - 1]))) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>The settable public properties of a config section, by key, in declaration order.</summary>
    public static IReadOnlyList<(string Key, PropertyInfo Property)> Keys(Type sectionType) =>
        sectionType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (ToKey(p.Name), p))
            .ToList();
}
