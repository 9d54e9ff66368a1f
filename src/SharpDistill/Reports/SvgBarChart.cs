using System.Globalization;
using System.Text;
using static SharpDistill.Reports.SvgLineChart;

namespace SharpDistill.Reports;

/// <summary>One bar: its label and value; a non-finite value is drawn as "no data" instead of a bar.</summary>
public sealed record ChartBar(string Label, double Value);

/// <summary>
/// A horizontal bar chart whose bars start at zero and go right for positive values and left for
/// negative ones (e.g. gain over a baseline), each with its signed value written at its end. Bars
/// start at zero on purpose: differences of a point are then shown at their true size, not magnified
/// by a cropped axis.
/// </summary>
public sealed class SvgBarChart
{
    public string Title { get; init; } = "";
    public string ValueLabel { get; init; } = "";
    public int Width { get; init; } = 720;
    /// <summary>Decimal places of the value written beside each bar.</summary>
    public int Decimals { get; init; } = 2;
    public string PositiveColour { get; init; } = "#1a7f37";
    public string NegativeColour { get; init; } = "#cf222e";
    public List<ChartBar> Bars { get; } = new();

    private const int Top = 38, Bottom = 46, RowHeight = 28, Right = 24;
    private const double CharWidth = 7.6;

    public int Height => Top + Math.Max(1, Bars.Count) * RowHeight + Bottom;

    public string Render()
    {
        var values = Bars.Select(b => b.Value).Where(double.IsFinite).ToList();
        var lo = Math.Min(0, values.DefaultIfEmpty(0).Min());
        var hi = Math.Max(0, values.DefaultIfEmpty(0).Max());
        if (hi - lo < 1e-12) hi = lo + 1;
        var ticks = NiceTicks(lo, hi, 6);
        (lo, hi) = (Math.Min(lo, ticks[0]), Math.Max(hi, ticks[^1]));
        var left = (int)Math.Ceiling(16 + Bars.Select(b => b.Label.Length).DefaultIfEmpty(4).Max() * CharWidth);
        // Room for the value text beside the outermost bars.
        var valueRoom = (int)Math.Ceiling((Decimals + 4) * CharWidth) + 6;
        var plotLeft = left + valueRoom;
        var plotW = Width - plotLeft - Right - valueRoom;
        var plotH = Math.Max(1, Bars.Count) * RowHeight;
        double Px(double v) => plotLeft + (v - lo) / (hi - lo) * plotW;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" ")
           .Append("font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\">\n");
        svg.Append($"<title>{Escape(Title)}</title>\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(Title)}</text>\n");
        foreach (var t in ticks)
        {
            var x = F(Px(t));
            svg.Append($"<line x1=\"{x}\" y1=\"{Top}\" x2=\"{x}\" y2=\"{Top + plotH}\" stroke=\"#e8e8e8\"/>\n");
            svg.Append($"<text x=\"{x}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" fill=\"#333\">{Signed(t, TickDecimals(ticks))}</text>\n");
        }
        svg.Append($"<text x=\"{F(plotLeft + plotW / 2.0)}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(ValueLabel)}</text>\n");
        for (var i = 0; i < Bars.Count; i++)
        {
            var bar = Bars[i];
            var yMid = Top + i * RowHeight + RowHeight / 2.0;
            svg.Append($"<text x=\"{left - 8}\" y=\"{F(yMid)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Escape(bar.Label)}</text>\n");
            if (!double.IsFinite(bar.Value))
            {
                svg.Append($"<text x=\"{F(Px(0) + 6)}\" y=\"{F(yMid)}\" dominant-baseline=\"middle\" fill=\"#888\" font-style=\"italic\">no data</text>\n");
                continue;
            }
            var (x0, x1) = (Px(Math.Min(0, bar.Value)), Px(Math.Max(0, bar.Value)));
            var colour = bar.Value >= 0 ? PositiveColour : NegativeColour;
            svg.Append($"<rect x=\"{F(x0)}\" y=\"{F(yMid - RowHeight * 0.32)}\" width=\"{F(Math.Max(x1 - x0, 0.5))}\" height=\"{F(RowHeight * 0.64)}\" fill=\"{colour}\"/>\n");
            var (tx, anchor) = bar.Value >= 0 ? (x1 + 6, "start") : (x0 - 6, "end");
            svg.Append($"<text x=\"{F(tx)}\" y=\"{F(yMid)}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\" fill=\"{colour}\" font-weight=\"bold\">{Signed(bar.Value, Decimals)}</text>\n");
        }
        // The zero line last, so it sits on top of the bars.
        svg.Append($"<line x1=\"{F(Px(0))}\" y1=\"{Top - 4}\" x2=\"{F(Px(0))}\" y2=\"{Top + plotH + 4}\" stroke=\"#333\" stroke-width=\"1.5\"/>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, Render());

    private static int TickDecimals(double[] ticks)
    {
        var step = ticks.Length > 1 ? ticks[1] - ticks[0] : 1;
        return Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
    }

    /// <summary>"+1.23", "−0.40" (a true minus sign, as wide as the plus), "0.00".</summary>
    internal static string Signed(double v, int decimals)
    {
        var rounded = Math.Round(v, decimals);
        var text = Math.Abs(rounded).ToString("F" + decimals, CultureInfo.InvariantCulture);
        return rounded > 0 ? "+" + text : rounded < 0 ? "\u2212" + text : text;
    }
}
