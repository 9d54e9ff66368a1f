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

    /// <summary>
    /// The keys of a config section, in order: its settable public properties (a derived class's own first,
    /// then declaration order), then, for an <see cref="IConfigSections"/>, its named sections.
    /// </summary>
    public static IReadOnlyList<ConfigMember> Members(object section)
    {
        var members = section.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0)
            .OrderByDescending(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken)
            .Select(p => new ConfigMember(ToKey(p.Name), p.PropertyType, () => p.GetValue(section), value => p.SetValue(section, value)))
            .ToList();
        if (section is IConfigSections sections)
            members.AddRange(sections.Sections.Select(s => new ConfigMember(s.Key, s.Value.GetType(), () => s.Value, null)));
        return members;
    }

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t != null; t = t.BaseType) depth++;
        return depth;
    }
}

/// <summary>One key of a config section: its value's type, and how to read and replace it (null: a fixed sub-section, edited in place).</summary>
public sealed record ConfigMember(string Key, Type Type, Func<object?> Get, Action<object?>? Set);

/// <summary>A config section that holds named sub-sections besides its properties (one per distillation method).</summary>
public interface IConfigSections
{
    IEnumerable<KeyValuePair<string, object>> Sections { get; }
}
