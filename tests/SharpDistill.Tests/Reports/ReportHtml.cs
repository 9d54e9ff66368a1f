using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SharpDistill.Tests.Reports;

/// <summary>
/// Reads back the parts of report.html the tests check. The page is HTML5, not XML, but the report
/// writes its table and its inline SVGs as well-formed XML fragments, so each parses on its own.
/// </summary>
internal static class ReportHtml
{
    public sealed record Row(string ClassName, IReadOnlyList<XElement> Cells)
    {
        public string Name => Cells[0].Descendants("span").First(s => (string?)s.Attribute("class") == "name").Value;
        public string Text(int column) => Cells[column].Value;
        public string CellClass(int column) => (string?)Cells[column].Attribute("class") ?? "";
    }

    public static XElement ResultsTable(string html)
    {
        var match = Regex.Match(html, "<table class=\"results\">.*?</table>", RegexOptions.Singleline);
        Assert.True(match.Success, "report.html has no results table");
        return XElement.Parse(match.Value);
    }

    public static IReadOnlyList<Row> Rows(string html) =>
        ResultsTable(html).Element("tbody")!.Elements("tr")
            .Select(tr => new Row((string?)tr.Attribute("class") ?? "", tr.Elements("td").ToList()))
            .ToList();

    public static IReadOnlyList<XElement> InlineSvgs(string html) =>
        Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => XElement.Parse(m.Value)).ToList();

    /// <summary>The column of a header, counting from 0 (the table has two "Gain" columns: pass which).</summary>
    public static int Column(string html, string header, int occurrence = 0) =>
        ResultsTable(html).Element("thead")!.Descendants("th").Select((th, i) => (th.Value, i))
            .Where(c => c.Value == header).Select(c => c.i).ElementAt(occurrence);
}
