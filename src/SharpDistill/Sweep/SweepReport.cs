using System.Globalization;
using System.Net;
using System.Text;
using SharpDistill.Reports;
using SharpDistill.Study.Statistics;

namespace SharpDistill.Sweep;

/// <summary>What every run of a sweep shares, for the report's heading.</summary>
public sealed record SweepReportContext(string Dataset, string Method, string Student, string Teacher, int Epochs, int TrainLimit, int Seeds);

/// <summary>
/// One cell over its seeds: the last epoch's test top-1 (the headline: no test-set choice touched it) as mean,
/// sample deviation and a Student-t 95 % interval of the mean, the per-seed values, and the best epoch's mean.
/// </summary>
public sealed record SweepCellSummary(SweepCell Cell, IReadOnlyList<long> Seeds, IReadOnlyList<double> LastPerSeed, SampleSummary Last, SampleSummary Best, TimeSpan? Time)
{
    /// <summary>Half-width of the 95 % interval of the mean, t(0.975, n − 1)·sd/√n; NaN below two seeds.</summary>
    public double HalfWidth => Last.Count >= 2 ? PairedGain.HalfWidth(Last.StandardDeviation, Last.Count) : double.NaN;

    public static SweepCellSummary Of(SweepCellRuns runs)
    {
        var ordered = runs.Runs.OrderBy(r => r.Seed ?? 0).ToList();
        var last = ordered.Select(r => r.Metrics.Count == 0 ? double.NaN : r.Metrics[^1].TestTop1).ToList();
        var best = ordered.Select(r => r.Metrics.Count == 0 ? double.NaN : r.Metrics.Max(m => m.TestTop1)).ToList();
        var seconds = ordered.Sum(r => r.WallTime?.TotalSeconds ?? r.Metrics.Sum(m => m.EpochSeconds));
        return new SweepCellSummary(runs.Cell, ordered.Select(r => r.Seed ?? 0).ToList(), last, SampleSummary.Of(last), SampleSummary.Of(best),
            seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
    }

    /// <summary>"91.23 ± 0.45" (mean ± 95 % half-width); the mean alone for one seed.</summary>
    public string MeanInterval => Last.Count == 0 ? ReportFormat.NoData
        : double.IsFinite(HalfWidth) ? $"{P(Last.Mean)} ± {P(HalfWidth)}" : P(Last.Mean);

    internal static string P(double v) => double.IsFinite(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>
/// The report of a sweep (report/ in its folder): sweep.txt (the console table), report.md and report.html with
/// the table, and a chart of the mean over the grid: a line chart with the 95 % band for one numeric key,
/// bars for one key of names, a heat map for two keys.
/// </summary>
public static class SweepReport
{
    public const string TextFile = "sweep.txt", MarkdownFile = "report.md", HtmlFile = "report.html", ChartFile = "sweep.svg";

    /// <summary>Writes the report and returns the path of report.html.</summary>
    public static string Write(string directory, SweepGrid grid, IReadOnlyList<SweepCellRuns> cells, SweepReportContext context, TimeSpan wallTime)
    {
        Directory.CreateDirectory(directory);
        var summaries = cells.Select(SweepCellSummary.Of).ToList();
        var chart = Chart(grid, summaries, context);
        Save(Path.Combine(directory, TextFile), Text(grid, summaries));
        Save(Path.Combine(directory, MarkdownFile), Markdown(grid, summaries, context, chart != null, wallTime));
        if (chart != null) Save(Path.Combine(directory, ChartFile), chart);
        var html = Path.Combine(directory, HtmlFile);
        Save(html, Html(grid, summaries, context, chart, wallTime));
        return html;
    }

    /// <summary>The table as aligned text: one row per cell, a column per grid key, then the seed statistics.</summary>
    public static string Text(SweepGrid grid, IReadOnlyList<SweepCellSummary> summaries)
    {
        var rows = new List<string[]> { Header(grid).ToArray() };
        rows.AddRange(summaries.Select(s => Row(s).ToArray()));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c < grid.Axes.Count ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        text.AppendLine("last top-1: the final epoch's test accuracy, mean ± half-width of its 95 % Student-t interval over the seeds;");
        text.AppendLine("best epoch: the mean of each seed's highest epoch (selected on the test set, so optimistic).");
        return text.ToString();
    }

    private static IEnumerable<string> Header(SweepGrid grid) =>
        grid.Axes.Select(a => a.Key).Concat(new[] { "seeds", "last top-1 (95% CI)", "std", "per seed", "best epoch", "time" });

    private static IEnumerable<string> Row(SweepCellSummary s) =>
        s.Cell.Values.Select(v => v.Value).Concat(new[]
        {
            s.Last.Count.ToString(CultureInfo.InvariantCulture), s.MeanInterval,
            s.Last.Count >= 2 ? SweepCellSummary.P(s.Last.StandardDeviation) : "",
            string.Join(" ", s.LastPerSeed.Select(SweepCellSummary.P)),
            SweepCellSummary.P(s.Best.Mean), ReportFormat.Duration(s.Time),
        });

    private static string Markdown(SweepGrid grid, IReadOnlyList<SweepCellSummary> summaries, SweepReportContext context, bool chart, TimeSpan wallTime)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {Title(grid, context)}").AppendLine();
        md.AppendLine(Setting(context, wallTime)).AppendLine();
        var header = Header(grid).ToList();
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i < grid.Axes.Count ? " --- |" : " ---: |")));
        foreach (var s in summaries) md.AppendLine("| " + string.Join(" | ", Row(s).Select(c => c.Replace("|", "\\|"))) + " |");
        md.AppendLine();
        md.AppendLine("Last top-1 is the final epoch's test accuracy: mean ± the half-width of its 95 % Student-t interval over the seeds. " +
                      "Best epoch is selected on the test set and therefore optimistic.");
        if (chart) md.AppendLine().AppendLine($"![{Title(grid, context)}]({ChartFile})");
        return md.ToString();
    }

    private static string Html(SweepGrid grid, IReadOnlyList<SweepCellSummary> summaries, SweepReportContext context, string? chart, TimeSpan wallTime)
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>{E(Title(grid, context))}</title>");
        html.AppendLine("<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#1f2328}table{border-collapse:collapse}" +
                        "td,th{border:1px solid #d0d7de;padding:4px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>");
        html.AppendLine($"<h1>{E(Title(grid, context))}</h1>");
        html.AppendLine($"<p>{E(Setting(context, wallTime))}</p>");
        html.AppendLine("<table><thead><tr>" + string.Concat(Header(grid).Select(h => $"<th>{E(h)}</th>")) + "</tr></thead><tbody>");
        foreach (var s in summaries)
            html.AppendLine("<tr>" + string.Concat(Row(s).Select((c, i) => i < grid.Axes.Count ? $"<td>{E(c)}</td>" : $"<td class=\"n\">{E(c)}</td>")) + "</tr>");
        html.AppendLine("</tbody></table>");
        html.AppendLine("<p>Last top-1 is the final epoch's test accuracy: mean ± the half-width of its 95 % Student-t interval over the seeds. " +
                        "Best epoch is selected on the test set and therefore optimistic.</p>");
        if (chart != null) html.AppendLine($"<figure>{chart}</figure>");
        else html.AppendLine("<p>No chart: a sweep over more than two keys is shown as the table only.</p>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Title(SweepGrid grid, SweepReportContext context) =>
        $"Sweep of {string.Join(" × ", grid.Axes.Select(a => a.Key))}: {context.Method} on {context.Dataset}";

    private static string Setting(SweepReportContext context, TimeSpan wallTime) => string.Create(CultureInfo.InvariantCulture,
        $"Student {context.Student}{(context.Teacher.Length > 0 ? $", teacher {context.Teacher} (unless the grid sets it)" : "")}, " +
        $"{context.Epochs} epoch(s), {(context.TrainLimit > 0 ? $"the first {context.TrainLimit} training images" : "every training image")}, " +
        $"{context.Seeds} seed(s) per cell. Wall time of this invocation: {ReportFormat.Duration(wallTime)} (reused runs cost nothing).");

    /// <summary>The chart of the cell means; null for more than two keys.</summary>
    private static string? Chart(SweepGrid grid, IReadOnlyList<SweepCellSummary> summaries, SweepReportContext context)
    {
        var title = $"Last-epoch test top-1 (%) over {string.Join(" × ", grid.Axes.Select(a => a.ShortKey))}";
        if (grid.Axes.Count == 2)
        {
            var (rows, columns) = (grid.Axes[0], grid.Axes[1]);
            SweepCellSummary? Find(string r, string c) => summaries.FirstOrDefault(s => s.Cell.Values[0].Value == r && s.Cell.Values[1].Value == c);
            return new SvgHeatMap
            {
                Title = title, RowLabel = rows.Key, ColumnLabel = columns.Key, Rows = rows.Values, Columns = columns.Values,
                Cells = rows.Values.Select(r => (IReadOnlyList<HeatCell>)columns.Values.Select(c => Find(r, c) is { } s
                    ? new HeatCell(s.Last.Mean, s.MeanInterval) : new HeatCell(double.NaN, "")).ToList()).ToList(),
            }.Render();
        }
        if (grid.Axes.Count != 1) return null;
        var axis = grid.Axes[0];
        var numeric = axis.Values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (!numeric)
        {
            var bars = new SvgBarChart { Title = title, ValueLabel = "test top-1 (%), mean over seeds", PositiveColour = SvgLineChart.Palette[0] };
            bars.Bars.AddRange(summaries.Select(s => new ChartBar($"{s.Cell.Values[0].Value} ({s.MeanInterval})", s.Last.Mean)));
            return bars.Render();
        }
        double X(SweepCellSummary s) => double.Parse(s.Cell.Values[0].Value, CultureInfo.InvariantCulture);
        var line = new SvgLineChart { Title = title, XLabel = axis.Key, YLabel = "test top-1 (%)" };
        var band = summaries.Where(s => double.IsFinite(s.HalfWidth))
            .Select(s => (X(s), s.Last.Mean - s.HalfWidth, s.Last.Mean + s.HalfWidth)).OrderBy(b => b.Item1).ToList();
        line.Series.Add(new ChartSeries(band.Count > 0 ? $"mean of {context.Seeds} seeds, 95% CI band" : "one seed",
            summaries.Select(s => (X(s), s.Last.Mean)).OrderBy(p => p.Item1).ToList())
        {
            Band = band.Count > 0 ? band : null,
        });
        return line.Render();
    }

    /// <summary>Written whole or not at all: a temporary file moved into place.</summary>
    private static void Save(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
