using System.Globalization;
using System.Net;
using System.Text;
using SharpDistill.Study.Statistics;

namespace SharpDistill.Reports;

/// <summary>
/// The multi-seed part of a study report: per method, the last epoch's top-1 as mean ± std with each seed's
/// value, the test-selected best epoch beside it, the paired gain with its 95 % interval and the verdict;
/// and a chart of the mean per epoch with a min–max band over the seeds.
/// </summary>
internal static class StudySeedSection
{
    public const string ChartFile = "accuracy_seeds.svg";

    private static readonly string[] Header =
        { "Method", "Seeds", "Last top-1 (%) mean ± std", "Per seed", "Best epoch (%)*", "Gain over baseline (95% CI)", "Verdict" };

    public const string Footnote =
        "* Best epoch: each seed's highest test top-1 over the epochs, i.e. selected on the test set (optimistic). " +
        "Gains are paired per seed (same student initialisation and data order) on the last epoch; the interval is mean ± t(0.975, n−1)·sd/√n over the per-seed differences, " +
        "and a method is called better or worse only when the interval excludes zero.";

    public static IEnumerable<string[]> Rows(SeedStudy study) => study.Methods.Select(m => new[]
    {
        m.Name,
        m.Role == StudyRunRole.Teacher ? "—" : m.Runs.Count.ToString(CultureInfo.InvariantCulture),
        MeanStd(m.Last),
        string.Join(", ", m.Seeds.Zip(m.LastPerSeed, (seed, v) => m.Role == StudyRunRole.Teacher ? ReportFormat.Percent(v) : $"s{seed}: {ReportFormat.Percent(v)}")),
        MeanStd(m.Best),
        m.Gain is { } gain ? SeedStudy.Describe(gain) : "—",
        m.Gain is { } g ? SeedStudy.Verdict(g.Verdict) : "—",
    });

    public static string Markdown(SeedStudy study)
    {
        var md = new StringBuilder();
        md.Append("## Over seeds\n\n");
        md.Append($"{Inline(study.Headline())}\n\n");
        md.Append("| ").Append(string.Join(" | ", Header)).Append(" |\n|---|--:|--:|---|--:|---|---|\n");
        foreach (var row in Rows(study)) md.Append("| ").Append(string.Join(" | ", row.Select(c => Inline(c).Replace("|", "\\|")))).Append(" |\n");
        md.Append('\n').Append(Inline(Footnote).Replace("* Best", "\\* Best")).Append("\n\n");
        md.Append($"![Mean test top-1 per epoch with the range over seeds]({ChartFile})\n\n");
        return md.ToString();
    }

    public static string Html(SeedStudy study, ReportChart chart)
    {
        var html = new StringBuilder();
        html.Append("<section id=\"seeds\">\n<h2>Over seeds</h2>\n");
        html.Append($"<p class=\"summary\">{E(study.Headline())}</p>\n");
        html.Append("<div class=\"scroll\">\n<table class=\"results\">\n<thead><tr>");
        foreach (var h in Header) html.Append($"<th>{E(h)}</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in Rows(study)) html.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{E(c)}</td>"))).Append("</tr>\n");
        html.Append("</tbody>\n</table>\n</div>\n");
        html.Append($"<p>{E(Footnote)}</p>\n");
        html.Append("<figure>\n").Append(chart.Svg).Append($"<figcaption>{E(chart.Caption)}</figcaption>\n</figure>\n</section>\n");
        return html.ToString();
    }

    /// <summary>Mean test top-1 per epoch of each method (teacher excluded), with the band from the lowest to the highest seed.</summary>
    public static ReportChart Chart(SeedStudy study)
    {
        var chart = new SvgLineChart
        {
            Title = "Test top-1 per epoch: mean over seeds, band from lowest to highest seed",
            XLabel = "epoch", YLabel = "test top-1 (%)", Width = 1000, Height = 440, IntegerX = true,
        };
        var index = 0;
        foreach (var method in study.Methods.Where(m => m.Role != StudyRunRole.Teacher))
        {
            var epochs = method.Runs.SelectMany(r => r.Metrics.Select(e => e.Epoch)).Distinct().Order().ToList();
            var perEpoch = epochs.Select(e => (Epoch: e, Values: method.Runs.Select(r => r.Metrics.FirstOrDefault(m => m.Epoch == e)?.TestTop1 ?? double.NaN)
                .Where(double.IsFinite).ToList())).Where(p => p.Values.Count > 0).ToList();
            chart.Series.Add(new ChartSeries($"{method.Name} (n={method.Runs.Count})", perEpoch.Select(p => ((double)p.Epoch, p.Values.Average())).ToList())
            {
                Colour = method.Role == StudyRunRole.Baseline ? StudyResults.BaselineColour : SvgLineChart.Palette[index++ % 6],
                Band = method.Runs.Count > 1 ? perEpoch.Select(p => ((double)p.Epoch, p.Values.Min(), p.Values.Max())).ToList() : null,
            });
        }
        return new ReportChart(ChartFile, "Mean test top-1 per epoch over the seeds; the shaded band spans the lowest to the highest seed.", chart.Render());
    }

    private static string MeanStd(SampleSummary s) => s.Count == 0 ? ReportFormat.NoData
        : s.Count == 1 ? ReportFormat.Percent(s.Mean)
        : $"{ReportFormat.Percent(s.Mean)} ± {s.StandardDeviation.ToString("0.00", CultureInfo.InvariantCulture)}";

    private static string Inline(string text) =>
        text.Replace("\r", " ").Replace("\n", " ").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
