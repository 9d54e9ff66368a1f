using YamlDotNet.RepresentationModel;

namespace SharpDistill.Config;

/// <summary>
/// Compares two resolved configs key by key (not as text: key order, quoting and comments do not
/// matter), so a refusal can name every key that differs with both values.
/// </summary>
public static class ConfigDiff
{
    /// <summary>One key whose values differ; a missing key has a null value.</summary>
    public sealed record Difference(string Key, string? Before, string? After)
    {
        public override string ToString() => $"{Key}: {Before ?? "(absent)"} -> {After ?? "(absent)"}";
    }

    /// <summary>The keys of <paramref name="beforeYaml"/> and <paramref name="afterYaml"/> whose values differ, in key order.</summary>
    /// <param name="absentBefore">
    /// Values a key stands for when <paramref name="beforeYaml"/> lacks it, e.g. the defaults: a config
    /// written before a key existed meant that key's default (new keys keep the old behaviour by default).
    /// </param>
    public static IReadOnlyList<Difference> Compare(string beforeYaml, string afterYaml, IEnumerable<string>? ignoredKeys = null,
        IReadOnlyDictionary<string, string>? absentBefore = null)
    {
        var ignored = new HashSet<string>(ignoredKeys ?? [], StringComparer.Ordinal);
        var before = Flatten(beforeYaml, "the earlier config");
        foreach (var (key, value) in absentBefore ?? new Dictionary<string, string>()) before.TryAdd(key, value);
        var after = Flatten(afterYaml, "this run's config");
        return before.Keys.Union(after.Keys)
            .Where(key => !ignored.Contains(key))
            .Order(StringComparer.Ordinal)
            .Select(key => new Difference(key, before.GetValueOrDefault(key), after.GetValueOrDefault(key)))
            .Where(d => d.Before != d.After)
            .ToList();
    }

    /// <summary>Every scalar of a config as "section.key" → value (a list as "[a, b]").</summary>
    public static Dictionary<string, string> Flatten(string yaml, string source)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (YamlDocumentReader.Parse(yaml, source) is not YamlMappingNode root) return result;
        var pending = new Stack<(string Prefix, YamlMappingNode Node)>();
        pending.Push(("", root));
        while (pending.Count > 0)
        {
            var (prefix, node) = pending.Pop();
            foreach (var (keyNode, value) in node.Children)
            {
                var key = prefix + ((YamlScalarNode)keyNode).Value;
                switch (value)
                {
                    case YamlMappingNode mapping: pending.Push((key + ".", mapping)); break;
                    case YamlSequenceNode sequence: result[key] = "[" + string.Join(", ", sequence.Children.Select(Text)) + "]"; break;
                    default: result[key] = Text(value); break;
                }
            }
        }
        return result;
    }

    private static string Text(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : node.ToString();
}
