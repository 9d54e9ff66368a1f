using System.Text;
using static SharpDistill.Reports.SvgLineChart;

namespace SharpDistill.Reports;

/// <summary>One cell of a heat map: its value (colour) and the text written in it; a non-finite value is drawn grey as "no data".</summary>
public sealed record HeatCell(double Value, string Text);

/// <summary>
/// A self-contained SVG heat map: rows × columns of labelled cells, coloured from light (lowest value)
/// to dark blue (highest) over the range of the finite values, each with its text written inside.
/// </summary>
public sealed class SvgHeatMap
{
    public string Title { get; init; } = "";
    public string RowLabel { get; init; } = "";
    public string ColumnLabel { get; init; } = "";
    public required IReadOnlyList<string> Rows { get; init; }
    public required IReadOnlyList<string> Columns { get; init; }
    /// <summary>Cells[row][column].</summary>
    public required IReadOnlyList<IReadOnlyList<HeatCell>> Cells { get; init; }

    private const int Top = 64, CellHeight = 44, Bottom = 20;
    private const double CharWidth = 7.6;

    public string Render()
    {
        var cellWidth = (int)Math.Ceiling(Math.Max(96, Cells.SelectMany(r => r).Select(c => c.Text.Length).DefaultIfEmpty(8).Max() * CharWidth + 16));
        var left = (int)Math.Ceiling(40 + Rows.Select(r => r.Length).DefaultIfEmpty(4).Max() * CharWidth);
        var width = left + Columns.Count * cellWidth + 20;
        var height = Top + Rows.Count * CellHeight + Bottom;
        var finite = Cells.SelectMany(r => r).Select(c => c.Value).Where(double.IsFinite).ToList();
        var (lo, hi) = finite.Count == 0 ? (0.0, 1.0) : (finite.Min(), finite.Max());

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" ")
           .Append("font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\">\n");
        svg.Append($"<title>{Escape(Title)}</title>\n");
        svg.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(Title)}</text>\n");
        svg.Append($"<text x=\"{left + Columns.Count * cellWidth / 2}\" y=\"40\" text-anchor=\"middle\" font-weight=\"bold\">{Escape(ColumnLabel)}</text>\n");
        svg.Append($"<text transform=\"translate(14 {Top + Rows.Count * CellHeight / 2}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">{Escape(RowLabel)}</text>\n");
        for (var c = 0; c < Columns.Count; c++)
            svg.Append($"<text x=\"{left + c * cellWidth + cellWidth / 2}\" y=\"{Top - 8}\" text-anchor=\"middle\">{Escape(Columns[c])}</text>\n");
        for (var r = 0; r < Rows.Count; r++)
        {
            var y = Top + r * CellHeight;
            svg.Append($"<text x=\"{left - 8}\" y=\"{y + CellHeight / 2}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Escape(Rows[r])}</text>\n");
            for (var c = 0; c < Columns.Count; c++)
            {
                var cell = Cells[r][c];
                var x = left + c * cellWidth;
                var shade = double.IsFinite(cell.Value) ? (hi > lo ? (cell.Value - lo) / (hi - lo) : 0.5) : double.NaN;
                var fill = double.IsFinite(shade) ? Colour(shade) : "#d0d7de";
                var ink = double.IsFinite(shade) && shade > 0.55 ? "white" : "#1f2328";
                svg.Append($"<rect x=\"{x}\" y=\"{y}\" width=\"{cellWidth - 2}\" height=\"{CellHeight - 2}\" fill=\"{fill}\"/>\n");
                svg.Append($"<text x=\"{x + cellWidth / 2}\" y=\"{y + CellHeight / 2}\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"{ink}\">" +
                           $"{Escape(double.IsFinite(cell.Value) ? cell.Text : "no data")}</text>\n");
            }
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>From #eff6ff (0) to #08306b (1), linearly in RGB: a single-hue scale that stays readable in grey.</summary>
    private static string Colour(double t)
    {
        int Mix(int a, int b) => (int)Math.Round(a + (b - a) * Math.Clamp(t, 0, 1));
        return $"#{Mix(0xef, 0x08):x2}{Mix(0xf6, 0x30):x2}{Mix(0xff, 0x6b):x2}";
    }
}
