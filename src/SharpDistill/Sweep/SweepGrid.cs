using SharpDistill.Config;

namespace SharpDistill.Sweep;

/// <summary>One config key of a sweep and the values it takes (each a YAML value, as after --set key=).</summary>
public sealed record SweepAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>The key's last part, for labels ("tau_w" for distiller.crld.tau_w).</summary>
    public string ShortKey => Key[(Key.LastIndexOf('.') + 1)..];
}

/// <summary>One cell of the grid: a value for every axis, in the axes' order.</summary>
public sealed record SweepCell(int Index, IReadOnlyList<(SweepAxis Axis, string Value)> Values)
{
    /// <summary>The cell's --set assignments.</summary>
    public IEnumerable<string> Assignments => Values.Select(v => $"{v.Axis.Key}={v.Value}");

    /// <summary>"tau_w=0.5, models.teacher=resnet20": how tables and legends name the cell.</summary>
    public string Label => string.Join(", ", Values.Select(v => $"{v.Axis.ShortKey}={v.Value}"));

    /// <summary>A file-name-safe form of the values, the readable part of the cell's run directories.</summary>
    public string Slug
    {
        get
        {
            var text = string.Join("_", Values.Select(v => $"{v.Axis.ShortKey}{v.Value}"));
            var safe = new string(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray());
            return safe.Length <= 60 ? safe : safe[..60];
        }
    }
}

/// <summary>
/// The grid of a sweep: config keys, each with its values; the cells are every combination. Keys are
/// checked against the config's real keys before anything runs (an unknown one is named, with the
/// closest real keys), and the seed and the run's name and folder belong to the sweep itself.
/// </summary>
public sealed class SweepGrid
{
    /// <summary>Keys a grid may not vary: seeds are the sweep's --seeds, and each cell's run directory is the sweep's.</summary>
    private static readonly string[] Reserved = ["experiment.seed", "experiment.name", "experiment.output_dir"];

    /// <summary>More cells than anyone means to train is a typo, not a sweep.</summary>
    public const int MaxCells = 10_000;

    public SweepGrid(IReadOnlyList<SweepAxis> axes)
    {
        if (axes.Count == 0)
            throw new ConfigException("the sweep's grid is empty: give at least one --grid key=v1,v2 (or a grid: section in the sweep config)");
        var known = ConfigDiff.Flatten(ConfigWriter.ToYaml(new RunConfig()), "the default config").Keys.ToList();
        foreach (var axis in axes)
        {
            if (!known.Contains(axis.Key))
            {
                var close = Closest(axis.Key, known);
                throw new ConfigException($"--grid {axis.Key}: no such config key" +
                                          (close.Count > 0 ? $"; did you mean {string.Join(" or ", close)}?" : ""));
            }
            if (Reserved.Contains(axis.Key))
                throw new ConfigException($"--grid {axis.Key}: the sweep sets this key itself{(axis.Key == "experiment.seed" ? "; give the seeds with --seeds" : "")}");
            if (axis.Values.Count == 0 || axis.Values.Any(string.IsNullOrWhiteSpace))
                throw new ConfigException($"--grid {axis.Key}: {(axis.Values.Count == 0 ? "no values" : "an empty value")}; list the values, e.g. {axis.Key}=a,b");
            var twice = axis.Values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1);
            if (twice != null) throw new ConfigException($"--grid {axis.Key}: the value {twice.Key} is listed twice");
        }
        var repeated = axes.GroupBy(a => a.Key).FirstOrDefault(g => g.Count() > 1);
        if (repeated != null) throw new ConfigException($"--grid {repeated.Key} is given twice; list all its values in one --grid");
        var cells = axes.Aggregate(1L, (n, a) => n * a.Values.Count);
        if (cells > MaxCells) throw new ConfigException($"the grid has {cells} cells (more than {MaxCells}); sweep fewer values");
        Axes = axes;
    }

    public IReadOnlyList<SweepAxis> Axes { get; }

    /// <summary>Every combination of values, the first axis varying slowest.</summary>
    public IReadOnlyList<SweepCell> Cells()
    {
        IEnumerable<IReadOnlyList<(SweepAxis, string)>> combinations = new[] { Array.Empty<(SweepAxis, string)>() };
        foreach (var axis in Axes)
            combinations = combinations.SelectMany(prefix => axis.Values.Select(v => (IReadOnlyList<(SweepAxis, string)>)prefix.Append((axis, v)).ToList()));
        return combinations.Select((values, i) => new SweepCell(i, values)).ToList();
    }

    /// <summary>
    /// One --grid argument: "key=v1,v2,v3". Commas inside brackets or braces belong to a value, so a list
    /// value is written "solver.lr_decay_stages=[2],[3]".
    /// </summary>
    public static SweepAxis ParseArgument(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"--grid expects key=v1,v2,..., got '{text}'");
        return new SweepAxis(text[..eq].Trim(), SplitValues(text[(eq + 1)..]));
    }

    private static IReadOnlyList<string> SplitValues(string text)
    {
        var values = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '[' or '{': depth++; break;
                case ']' or '}': depth--; break;
                case ',' when depth == 0:
                    values.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        if (text.Trim().Length > 0) values.Add(text[start..].Trim());
        return values;
    }

    /// <summary>The known keys nearest to <paramref name="key"/> by edit distance (the nearest ones, at most three, only if reasonably close).</summary>
    private static IReadOnlyList<string> Closest(string key, IReadOnlyList<string> known)
    {
        var scored = known.Select(k => (Key: k, Distance: Math.Min(Distance(key, k), Distance(Last(key), Last(k)) + (Prefix(key) == Prefix(k) ? 0 : 2))))
            .Where(s => s.Distance <= Math.Max(2, key.Length / 4))
            .ToList();
        if (scored.Count == 0) return scored.Select(s => s.Key).ToList();
        var nearest = scored.Min(s => s.Distance);
        return scored.Where(s => s.Distance == nearest).OrderBy(s => s.Key, StringComparer.Ordinal).Take(3).Select(s => s.Key).ToList();
    }

    private static string Last(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static string Prefix(string key) => key.LastIndexOf('.') is var i and >= 0 ? key[..i] : "";

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
