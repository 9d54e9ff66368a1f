using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SharpDistill.Config;

/// <summary>
/// Applies YAML overrides and <c>--set key=value</c> overrides onto typed config objects whose
/// defaults live in C#. Only keys that exist are accepted: an unknown key is an error naming the
/// valid keys of its section, so a typo can never be silently ignored.
/// </summary>
public static class ConfigBinder
{
    /// <summary>Applies every key of a YAML file onto <paramref name="root"/>.</summary>
    public static void ApplyFile(object root, string path) => ApplyText(root, YamlDocumentReader.ReadFile(path), path);

    /// <summary>
    /// Applies every key of the YAML <paramref name="text"/> onto <paramref name="root"/>;
    /// <paramref name="source"/> names it in errors (a file, or "the config inside checkpoint X").
    /// </summary>
    public static void ApplyText(object root, string text, string source)
    {
        var node = YamlDocumentReader.Parse(text, source);
        if (node is null or YamlScalarNode { Value: null or "" }) return;
        if (node is not YamlMappingNode mapping)
            throw new ConfigException($"{source}: the top level must be a mapping of config sections");
        ApplyMapping(root, mapping, "", source);
    }

    /// <summary>Applies one <c>a.b.c=value</c> override; the value is parsed as YAML (so lists like [1, 2] work).</summary>
    public static void ApplySet(object root, string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"--set expects key=value, got '{assignment}'");
        var path = assignment[..eq].Trim();
        var text = assignment[(eq + 1)..].Trim();
        var segments = path.Split('.');
        var target = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var member = FindMember(target, segments[i], string.Join('.', segments.Take(i)), "--set");
            target = member.Get() ?? throw new ConfigException($"--set: '{string.Join('.', segments.Take(i + 1))}' is not a section");
            if (IsScalarType(member.Type))
                throw new ConfigException($"--set: '{string.Join('.', segments.Take(i + 1))}' is a value, not a section");
            if (IsListType(member.Type))
                throw new ConfigException($"--set: '{string.Join('.', segments.Take(i + 1))}' is a list; set it whole, e.g. {string.Join('.', segments.Take(i + 1))}=[...]");
        }
        var last = FindMember(target, segments[^1], string.Join('.', segments.SkipLast(1)), "--set");
        var node = YamlDocumentReader.Parse(text.Length == 0 ? "''" : text, $"--set {path}") ?? new YamlScalarNode("");
        Assign(last, node, path, "--set");
    }

    private static void ApplyMapping(object target, YamlMappingNode mapping, string prefix, string source)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            var member = FindMember(target, key, prefix, $"{source} line {keyNode.Start.Line}");
            Assign(member, valueNode, path, $"{source} line {valueNode.Start.Line}");
        }
    }

    private static ConfigMember FindMember(object target, string key, string sectionPath, string where)
    {
        var keys = ConfigNames.Members(target);
        foreach (var member in keys)
            if (member.Key == key) return member;
        var section = sectionPath.Length == 0 ? "the top level" : $"'{sectionPath}'";
        var full = sectionPath.Length == 0 ? key : $"{sectionPath}.{key}";
        throw new ConfigException($"unknown config key '{full}' ({where}); valid keys of {section}: {string.Join(", ", keys.Select(k => k.Key))}");
    }

    private static void Assign(ConfigMember member, YamlNode node, string path, string where)
    {
        var type = member.Type;
        if (IsScalarType(type) || IsListType(type))
        {
            var value = Convert(node, type, path, where);
            try
            {
                member.Set?.Invoke(value);
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException invalid)
            {
                // A setter that checks its value (distiller.method against the known methods).
                throw new ConfigException($"{path} ({where}): {invalid.Message}", invalid);
            }
            return;
        }
        if (node is not YamlMappingNode mapping)
            throw new ConfigException($"{path} ({where}): expected a section (a mapping of keys), got '{Describe(node)}'");
        var section = member.Get() ?? Activator.CreateInstance(type)!;
        ApplyMapping(section, mapping, path, where.Split(" line ")[0]);
        member.Set?.Invoke(section);
    }

    internal static bool IsScalarType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal);
    }

    private static bool IsListType(Type type) => type.IsArray || (type.IsGenericType && typeof(IList).IsAssignableFrom(type));

    private static object? Convert(YamlNode node, Type type, string path, string where)
    {
        if (IsListType(type))
        {
            var elementType = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            if (node is not YamlSequenceNode sequence)
                throw new ConfigException($"{path} ({where}): expected a list like [1, 2], got '{Describe(node)}'");
            var items = sequence.Children.Select((child, i) => IsScalarType(elementType) || IsListType(elementType)
                ? Convert(child, elementType, $"{path}[{i}]", where)
                : Section(child, elementType, $"{path}[{i}]", where)).ToList();
            if (type.IsArray)
            {
                var array = Array.CreateInstance(elementType, items.Count);
                for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
                return array;
            }
            var list = (IList)Activator.CreateInstance(type)!;
            foreach (var item in items) list.Add(item);
            return list;
        }
        if (node is not YamlScalarNode scalar)
            throw new ConfigException($"{path} ({where}): expected a single value, got a {(node is YamlSequenceNode ? "list" : "section")}");
        var text = scalar.Value ?? "";
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying != null && (text is "null" or "~" or "") && scalar.Style == ScalarStyle.Plain) return null;
        var t = underlying ?? type;
        try
        {
            if (t == typeof(string)) return text;
            if (t == typeof(bool))
                return text.ToLowerInvariant() switch
                {
                    "true" or "yes" or "on" => true,
                    "false" or "no" or "off" => false,
                    _ => throw new FormatException(),
                };
            if (t.IsEnum)
            {
                var normalized = text.Replace("_", "").Replace("-", "");
                foreach (var name in Enum.GetNames(t))
                    if (string.Equals(name, normalized, StringComparison.OrdinalIgnoreCase)) return Enum.Parse(t, name);
                throw new ConfigException($"{path} ({where}): '{text}' is not one of {string.Join(", ", Enum.GetNames(t).Select(ConfigNames.ToKey))}");
            }
            return System.Convert.ChangeType(text, t, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new ConfigException($"{path} ({where}): expected {TypeName(t)}, got '{text}'", e);
        }
    }

    /// <summary>One element of a list of sections (distiller.combo.terms): a mapping bound onto a new object of its type.</summary>
    private static object Section(YamlNode node, Type type, string path, string where)
    {
        if (node is not YamlMappingNode mapping)
            throw new ConfigException($"{path} ({where}): expected a section like {{key: value}}, got '{Describe(node)}'");
        var section = Activator.CreateInstance(type)!;
        ApplyMapping(section, mapping, path, where.Split(" line ")[0]);
        return section;
    }

    private static string TypeName(Type t) =>
        t == typeof(int) || t == typeof(long) ? "an integer" :
        t == typeof(double) || t == typeof(float) ? "a number" :
        t == typeof(bool) ? "true or false" : t.Name;

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        _ => "a section",
    };
}
