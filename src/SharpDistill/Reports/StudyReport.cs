namespace SharpDistill.Reports;

/// <summary>The files a study report consists of.</summary>
public sealed record StudyReportFiles(string Html, string Markdown, IReadOnlyList<string> Charts);

/// <summary>
/// Writes the report of a distillation study: report.html (one self-contained page to look at),
/// report.md (the table and chart links, for a terminal or a forge) and the SVG charts beside them
/// (accuracy.svg, accuracy_final.svg, gains.svg, loss_&lt;run&gt;.svg).
/// </summary>
public static class StudyReport
{
    public const string HtmlFile = "report.html";
    public const string MarkdownFile = "report.md";

    public static StudyReportFiles Write(string outputDirectory, StudyReportInput input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var results = StudyResults.From(input);
        var charts = StudyCharts.Build(results);

        Directory.CreateDirectory(outputDirectory);
        var chartPaths = charts.All().Select(c => WriteFile(outputDirectory, c.FileName, c.Svg)).ToList();
        var markdown = WriteFile(outputDirectory, MarkdownFile, StudyReportMarkdown.Render(input, results, charts));
        // The page last: once it exists, everything it links to does too.
        var html = WriteFile(outputDirectory, HtmlFile, StudyReportHtml.Render(input, results, charts));
        return new StudyReportFiles(html, markdown, chartPaths);
    }

    /// <summary>Through a temporary file and a rename, so a reader (or a crash) never sees half a report.</summary>
    private static string WriteFile(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
