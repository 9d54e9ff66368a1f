using System.Xml.Linq;
using SharpDistill.Reports;
using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Reports;

public sealed class StudyReportTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "sd-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    private (StudyReportFiles Files, string Html, string Markdown) Write(StudyReportInput input)
    {
        var files = StudyReport.Write(directory, input);
        return (files, File.ReadAllText(files.Html), File.ReadAllText(files.Markdown));
    }

    private static StudyReportInput Replace(StudyReportInput input, string name, Func<StudyRun, StudyRun> change) =>
        input with { Runs = input.Runs.Select(r => r.Name == name ? change(r) : r).ToList() };

    private static EpochMetrics[] WithTestTop1(IReadOnlyList<EpochMetrics> metrics, int epoch, double value) =>
        metrics.Select(m => m.Epoch == epoch ? m with { TestTop1 = value } : m).ToArray();

    [Fact]
    public void WritesThePageTheMarkdownAndEveryChartBesideThem()
    {
        var (files, _, _) = Write(FakeStudy.Create());

        Assert.Equal(Path.Combine(directory, "report.html"), files.Html);
        Assert.Equal(Path.Combine(directory, "report.md"), files.Markdown);
        var expected = new[] { "accuracy.svg", "accuracy_final.svg", "gains.svg", "loss_teacher.svg", "loss_baseline.svg",
            "loss_kd.svg", "loss_dkd.svg", "loss_crld.svg", "loss_dcd.svg", "loss_cmkd.svg" };
        Assert.Equal(expected.Order(), files.Charts.Select(Path.GetFileName).Order());
        foreach (var chart in files.Charts)
            Assert.Equal(Svg + "svg", XDocument.Load(chart).Root!.Name); // every file is well-formed SVG
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void TableRanksTheRunsAndShowsSignedColouredGainsOverTheBaseline()
    {
        var input = FakeStudy.Create();
        // One method below the baseline, so both signs appear.
        input = Replace(input, "CMKD", r => r with { Metrics = r.Metrics.Select(m => m with { TestTop1 = m.TestTop1 - 5 }).ToArray() });
        var (_, html, _) = Write(input);
        var rows = ReportHtml.Rows(html);

        // Teacher, baseline, then the distilled students from best to worst.
        Assert.Equal(new[] { "Teacher", "Baseline", "CRLD", "DKD", "KD", "DCD", "CMKD" }, rows.Select(r => r.Name));
        var best = ReportHtml.Column(html, "Best top-1 (%)");
        var gain = ReportHtml.Column(html, "Gain");
        var lastGain = ReportHtml.Column(html, "Gain", 1);

        var baselineBest = input.Runs.Single(r => r.Name == "Baseline").Metrics.Max(m => m.TestTop1);
        var crld = rows.Single(r => r.Name == "CRLD");
        var crldBest = input.Runs.Single(r => r.Name == "CRLD").Metrics.Max(m => m.TestTop1);
        Assert.StartsWith(crldBest.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), crld.Text(best));
        Assert.Equal("+" + (crldBest - baselineBest).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), crld.Text(gain));
        Assert.Contains("pos", crld.CellClass(gain));
        Assert.Contains("best", crld.CellClass(best)); // the winner's accuracy is emphasised

        var cmkd = rows.Single(r => r.Name == "CMKD");
        Assert.StartsWith("\u2212", cmkd.Text(gain));
        Assert.Contains("neg", cmkd.CellClass(gain));
        Assert.Contains("neg", cmkd.CellClass(lastGain));

        var baseline = rows.Single(r => r.Name == "Baseline");
        Assert.Equal("—", baseline.Text(gain)); // no gain over itself
        Assert.Contains("muted", rows.Single(r => r.Name == "Teacher").CellClass(gain));
    }

    [Fact]
    public void PageIsSelfContainedWithEveryChartInlineAsWellFormedSvg()
    {
        var (_, html, _) = Write(FakeStudy.Create());

        var svgs = ReportHtml.InlineSvgs(html);
        Assert.Equal(3 + 7, svgs.Count); // accuracy, final epochs, gains + one loss chart per run
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<style>", html);
        // Nothing is fetched: no scripts, stylesheets, fonts or images from anywhere.
        foreach (var forbidden in new[] { "<script", "<link", "src=", "@import", "url(", "https://" })
            Assert.DoesNotContain(forbidden, html);
        Assert.Equal(svgs.Count, html.Split("http://").Length - 1); // the only URL is the SVG namespace
    }

    [Fact]
    public void ConfigYamlIsEscapedInACollapsibleBlockPerRun()
    {
        const string yaml = "method: kd\nnote: <script>alert('x')</script> & \"q\"\n";
        var (_, html, _) = Write(Replace(FakeStudy.Create(), "KD", r => r with { ConfigYaml = yaml }));

        Assert.Equal(7, html.Split("<details>").Length - 1);
        Assert.Contains("note: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public void MarkdownHasOneTableRowPerRunAndLinksEveryChart()
    {
        var input = FakeStudy.Create();
        input = Replace(input, "DCD", r => r with { Name = "DCD|v2", Metrics = r.Metrics.Select(m => m with { TestTop1 = m.TestTop1 - 3 }).ToArray() });
        var (files, _, markdown) = Write(input);
        var lines = markdown.Split('\n');

        var table = lines.Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(2 + 7, table.Count); // header, separator, one per run
        Assert.All(table.Skip(2), row => Assert.Equal(11, row.Replace("\\|", "").Count(c => c == '|')));
        var crld = Assert.Single(table, l => l.StartsWith("| **CRLD** |"));
        Assert.Contains("| +", crld);
        var dcd = Assert.Single(table, l => l.StartsWith("| DCD\\|v2 |")); // the pipe in the name does not split the cell
        Assert.Matches(@"\| -\d+\.\d\d \|", dcd);
        Assert.DoesNotContain('\u2212', markdown); // terminals get an ASCII minus
        foreach (var chart in files.Charts.Select(Path.GetFileName))
            Assert.Contains($"]({chart})", markdown);
    }

    [Fact]
    public void RunWithoutEpochsIsShownAsNoDataEverywhere()
    {
        var (_, html, markdown) = Write(Replace(FakeStudy.Create(), "DKD", r => r with { Metrics = Array.Empty<EpochMetrics>(), ConfigYaml = null }));

        var row = ReportHtml.Rows(html).Single(r => r.Name == "DKD");
        Assert.Contains("nodata", row.ClassName);
        Assert.Contains(row.Cells, c => c.Value == "no data");
        Assert.Equal(ReportHtml.ResultsTable(html).Descendants("th").Count(),
            row.Cells.Sum(c => (int?)c.Attribute("colspan") ?? 1)); // the row spans exactly the table's columns
        Assert.Equal("DKD", ReportHtml.Rows(html)[^1].Name); // ranked last
        Assert.Contains("| DKD | distilled |", markdown);
        Assert.Contains("no data", markdown.Split('\n').Single(l => l.StartsWith("| DKD |")));

        var accuracy = XDocument.Load(Path.Combine(directory, "accuracy.svg"));
        Assert.Contains("DKD (no data)", accuracy.Descendants(Svg + "text").Select(t => t.Value));
        var loss = XDocument.Load(Path.Combine(directory, "loss_dkd.svg"));
        Assert.Contains("no data", loss.Descendants(Svg + "text").Select(t => t.Value));
        Assert.Contains("no config.yaml", html);
    }

    [Fact]
    public void StudyWithoutTeacherHasNoTeacherRowLineOrTile()
    {
        var input = FakeStudy.Create();
        var (_, html, markdown) = Write(input with { Runs = input.Runs.Where(r => r.Role != StudyRunRole.Teacher).ToList() });

        Assert.DoesNotContain(ReportHtml.Rows(html), r => r.Name == "Teacher");
        Assert.DoesNotContain("teacher", html.Split("<p class=\"summary\">")[1].Split("</p>")[0]);
        Assert.DoesNotContain("stroke-dasharray", File.ReadAllText(Path.Combine(directory, "accuracy.svg")));
        Assert.DoesNotContain("| teacher |", markdown);
    }

    [Fact]
    public void NanEpochsAreSkippedForTheBestAndBreakTheLine()
    {
        var input = Replace(FakeStudy.Create(), "CRLD", r => r with { Metrics = WithTestTop1(WithTestTop1(r.Metrics, 4, double.NaN), 8, double.NaN) });
        var crldRun = input.Runs.Single(r => r.Name == "CRLD");
        var (_, html, markdown) = Write(input);

        var row = ReportHtml.Rows(html).Single(r => r.Name == "CRLD");
        var expectedBest = crldRun.Metrics.Where(m => double.IsFinite(m.TestTop1)).Max(m => m.TestTop1);
        Assert.StartsWith(expectedBest.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), row.Text(ReportHtml.Column(html, "Best top-1 (%)")));
        Assert.Equal("NaN", row.Text(ReportHtml.Column(html, "Last top-1 (%)")));
        Assert.Contains("diverged", row.CellClass(ReportHtml.Column(html, "Last top-1 (%)")));
        Assert.Equal("—", row.Text(ReportHtml.Column(html, "Gain", 1)));
        Assert.Contains("| NaN | — |", markdown);

        var accuracy = XDocument.Load(Path.Combine(directory, "accuracy.svg"));
        var crldColour = StudyColour(html, "CRLD");
        var path = accuracy.Descendants(Svg + "path").Single(p => (string?)p.Attribute("stroke") == crldColour);
        Assert.Equal(2, path.Attribute("d")!.Value.Count(c => c == 'M')); // epochs 1–3 and 5–7, not bridged
    }

    [Fact]
    public void SingleEpochStudyRendersPointsAndNoFinalEpochsChart()
    {
        var (files, _, markdown) = Write(FakeStudy.Create(epochs: 1));

        Assert.DoesNotContain(files.Charts, c => c.EndsWith("accuracy_final.svg"));
        Assert.Contains("· 1 epoch ·", markdown);
        var accuracy = XDocument.Load(Path.Combine(directory, "accuracy.svg"));
        Assert.Empty(accuracy.Descendants(Svg + "path")); // one point per run: markers, no lines
        Assert.Equal(7, accuracy.Descendants(Svg + "circle").Count());
        var labels = accuracy.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("1", labels);
        Assert.DoesNotContain("0.5", labels); // no half epochs on the axis
        Assert.DoesNotContain("1.5", labels);
    }

    [Fact]
    public void TeacherTrainedLongerIsALevelLineAtItsBestAcrossTheStudentsEpochs()
    {
        var input = Replace(FakeStudy.Create(), "Teacher", r => r with { Metrics = FakeStudy.Curve(93.4, 30, 1, 40, "loss_ce") });
        Write(input);

        var accuracy = XDocument.Load(Path.Combine(directory, "accuracy.svg"));
        Assert.Contains("Teacher (best of 30 epochs)", accuracy.Descendants(Svg + "text").Select(t => t.Value));
        var ticks = accuracy.Descendants(Svg + "text").Select(t => t.Value).Where(v => int.TryParse(v, out _)).Select(int.Parse);
        Assert.DoesNotContain(ticks, t => t > 8 && t < 75); // the epoch axis stops at the students' 8 epochs
    }

    [Fact]
    public void WithoutBaselineThereAreNoGains()
    {
        var input = FakeStudy.Create();
        var (files, html, markdown) = Write(input with { BaselineName = null, Runs = input.Runs.Where(r => r.Role != StudyRunRole.Baseline).ToList() });

        Assert.DoesNotContain(files.Charts, c => c.EndsWith("gains.svg"));
        var gain = ReportHtml.Column(html, "Gain");
        Assert.All(ReportHtml.Rows(html), r => Assert.Equal("—", r.Text(gain)));
        Assert.Contains("No baseline in this study", markdown);
        Assert.DoesNotContain("points over", html);
    }

    [Fact]
    public void BaselineIsFoundByRoleWhenNotNamed()
    {
        var (_, html, _) = Write(FakeStudy.Create() with { BaselineName = null });
        Assert.Contains("over Baseline", html);
    }

    [Fact]
    public void WallTimeOverridesTheSumOfEpochTimes()
    {
        var (_, html, _) = Write(Replace(FakeStudy.Create(), "KD", r => r with { WallTime = TimeSpan.FromMinutes(75) }));
        Assert.Equal("1 h 15 min", ReportHtml.Rows(html).Single(r => r.Name == "KD").Text(ReportHtml.Column(html, "Time")));
    }

    [Fact]
    public void BadStudiesAreRejectedWithTheReason()
    {
        var input = FakeStudy.Create();
        var unknown = Assert.Throws<ArgumentException>(() => StudyReport.Write(directory, input with { BaselineName = "Student" }));
        Assert.Contains("'Student'", unknown.Message);
        Assert.Contains("CRLD", unknown.Message); // lists the runs there are

        var twice = input with { Runs = input.Runs.Append(input.Runs[2] with { Name = "kd" }).ToList() };
        Assert.Contains("repeated: KD", Assert.Throws<ArgumentException>(() => StudyReport.Write(directory, twice)).Message);

        var twoBaselines = input with { BaselineName = null, Runs = input.Runs.Append(input.Runs[1] with { Name = "Baseline2" }).ToList() };
        Assert.Contains("set BaselineName", Assert.Throws<ArgumentException>(() => StudyReport.Write(directory, twoBaselines)).Message);

        Assert.Contains("at least one run", Assert.Throws<ArgumentException>(() =>
            StudyReport.Write(directory, input with { Runs = Array.Empty<StudyRun>() })).Message);
        Assert.False(Directory.Exists(directory)); // nothing written for a rejected study
    }

    [Fact]
    public void RunsWhoseNamesMakeTheSameFileNameGetDistinctCharts()
    {
        var input = FakeStudy.Create();
        var (files, _, _) = Write(input with { Runs = input.Runs.Append(input.Runs[2] with { Name = "KD!" }).ToList() });
        Assert.Contains(files.Charts, c => c.EndsWith("loss_kd.svg"));
        Assert.Contains(files.Charts, c => c.EndsWith("loss_kd-2.svg"));
        Assert.Equal("kd-t-4", StudyResults.Slug("KD (T=4)"));
        Assert.Equal("run", StudyResults.Slug("–"));
    }

    [Fact]
    public void FromRunDirectoryReadsMetricsAndConfig()
    {
        var run = Path.Combine(directory, "kd");
        Directory.CreateDirectory(run);
        var log = new MetricsLog(run);
        foreach (var m in FakeStudy.Curve(89, 3, 1, 10, "loss_ce", "loss_kd")) log.Append(m);
        File.WriteAllText(Path.Combine(run, "config.yaml"), "method: kd\n");

        var read = StudyRun.FromRunDirectory("KD", StudyRunRole.Method, run);
        Assert.Equal(3, read.Metrics.Count);
        Assert.Equal(new[] { "loss_ce", "loss_kd" }, read.Metrics[0].TrainTerms.Keys);
        Assert.Equal("method: kd\n", read.ConfigYaml);

        var empty = Path.Combine(directory, "empty");
        Directory.CreateDirectory(empty);
        var none = StudyRun.FromRunDirectory("X", StudyRunRole.Method, empty);
        Assert.Empty(none.Metrics);
        Assert.Null(none.ConfigYaml);

        var missing = Assert.Throws<DirectoryNotFoundException>(() => StudyRun.FromRunDirectory("Y", StudyRunRole.Method, Path.Combine(directory, "nope")));
        Assert.Contains("'Y'", missing.Message);
    }

    [Fact]
    public void EnvironmentCaptureDescribesThisProcess()
    {
        var environment = StudyEnvironment.Capture();
        Assert.Matches(@"^\d+\.\d+", environment.LibTorchVersion);
        Assert.Equal(Environment.ProcessorCount, environment.Cores);
        Assert.True(environment.Threads >= 1);
        Assert.Equal(SharpDistill.Torch.TorchRuntime.Allocator.ToString(), environment.Allocator);
        var (_, html, markdown) = Write(FakeStudy.Create() with { Environment = environment with
        {
            Extra = new[] { KeyValuePair.Create("Commit", "abc123 <dirty>") },
        } });
        Assert.Contains($"<dt>libtorch</dt><dd>{environment.LibTorchVersion}</dd>", html);
        Assert.Contains($"<dt>Allocator</dt><dd>{SharpDistill.Torch.TorchRuntime.Allocator.Name} ", html);
        Assert.Contains("<dt>Commit</dt><dd>abc123 &lt;dirty&gt;</dd>", html);
        Assert.Contains("- Commit: abc123 &lt;dirty&gt;", markdown);
    }

    [Theory]
    [InlineData(42.2, "42.2 s")]
    [InlineData(754, "12 min 34 s")]
    [InlineData(7380, "2 h 03 min")]
    public void DurationsReadNaturally(double seconds, string expected) =>
        Assert.Equal(expected, ReportFormat.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(812L, "812")]
    [InlineData(78_042L, "78 k")]
    [InlineData(861_620L, "861.6 k")]
    [InlineData(7_433_860L, "7.43 M")]
    public void ParameterCountsReadNaturally(long count, string expected) => Assert.Equal(expected, ReportFormat.Parameters(count));

    private static string StudyColour(string html, string name)
    {
        var row = ReportHtml.Rows(html).Single(r => r.Name == name);
        var style = (string)row.Cells[0].Descendants("span").First().Attribute("style")!;
        return style.Split(':')[1];
    }
}
