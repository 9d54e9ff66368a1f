using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SharpDistill.Config;

/// <summary>
/// Reads one YAML document of configuration — a config file, a <c>--set</c> value, or the config
/// embedded in a checkpoint — within bounds. YamlDotNet builds its node tree recursively, so a
/// hostile file nested thousands deep would overflow the stack, and a huge one would take gigabytes:
/// the text is checked by size and then scanned event by event (no recursion) for depth, complex
/// keys and extra documents before the tree is built.
/// </summary>
public static class YamlDocumentReader
{
    /// <summary>The largest config accepted; real ones are a few kilobytes.</summary>
    public const int MaxChars = 1 << 20;

    /// <summary>The deepest nesting of mappings and sequences accepted; configs use three levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>The file's text, refusing one over <see cref="MaxChars"/> before reading it whole.</summary>
    public static string ReadFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"config file not found: {path}");
        var length = new FileInfo(path).Length;
        if (length > MaxChars)
            throw new ConfigException($"{path} is {length} bytes; a config file may hold at most {MaxChars} (1 MiB)");
        return File.ReadAllText(path);
    }

    /// <summary>The root node of the only document in <paramref name="text"/>, or null when it is empty.</summary>
    public static YamlNode? Parse(string text, string source)
    {
        if (text.Length > MaxChars)
            throw new ConfigException($"{source} is {text.Length} characters; a config may hold at most {MaxChars} (1 MiB)");
        try
        {
            Scan(text, source);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and node loader throw these on some malformed input (found by the fuzz tests).
            throw new ConfigException($"{source}: invalid YAML ({e.Message})", e);
        }
    }

    /// <summary>One pass over the parser's events, keeping one flag per open container.</summary>
    private static void Scan(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        // For each open container: is it a mapping, and is its next child a key?
        var open = new Stack<(bool Mapping, bool ExpectKey)>();
        var documents = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case DocumentStart:
                    if (++documents > 1)
                        throw new ConfigException($"{source}: a second YAML document starts at line {current.Start.Line}; a config holds exactly one");
                    break;
                case MappingStart or SequenceStart:
                    if (open.TryPeek(out var parent) && parent is { Mapping: true, ExpectKey: true })
                        throw new ConfigException($"{source} line {current.Start.Line}: a mapping or sequence used as a key; config keys are plain names");
                    Child(open);
                    if (open.Count >= MaxDepth)
                        throw new ConfigException($"{source} line {current.Start.Line}: nested more than {MaxDepth} levels deep; configs use a few");
                    open.Push((current is MappingStart, true));
                    break;
                case MappingEnd or SequenceEnd:
                    open.Pop();
                    break;
                case Scalar or AnchorAlias:
                    Child(open);
                    break;
            }
        }
    }

    /// <summary>Records that the innermost mapping received a key or a value.</summary>
    private static void Child(Stack<(bool Mapping, bool ExpectKey)> open)
    {
        if (open.TryPop(out var top)) open.Push(top.Mapping ? (true, !top.ExpectKey) : top);
    }
}
