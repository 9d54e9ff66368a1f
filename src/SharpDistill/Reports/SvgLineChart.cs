using System.Globalization;
using System.Net;
using System.Text;

namespace SharpDistill.Reports;

/// <summary>One line of a chart: a name for the legend and its (x, y) points in order.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// A self-contained SVG line chart (axes with "nice" ticks, grid, one coloured line per series,
/// markers, legend), so reports need no plotting library and render in any browser.
/// </summary>
public sealed class SvgLineChart
{
    // Colour-blind-friendly palette (Okabe–Ito), readable on white.
    private static readonly string[] Palette =
        { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442" };

    public string Title { get; init; } = "";
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 420;
    public List<ChartSeries> Series { get; } = new();

    private const int Left = 70, Right = 180, Top = 40, Bottom = 55;

    public string Render()
    {
        var points = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var (xMin, xMax) = Range(points.Select(p => p.X));
        var (yMin, yMax) = Range(points.Select(p => p.Y));
        var xTicks = NiceTicks(xMin, xMax, 8);
        var yTicks = NiceTicks(yMin, yMax, 6);
        (xMin, xMax) = (Math.Min(xMin, xTicks[0]), Math.Max(xMax, xTicks[^1]));
        (yMin, yMax) = (Math.Min(yMin, yTicks[0]), Math.Max(yMax, yTicks[^1]));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double Px(double x) => Left + (x - xMin) / (xMax - xMin) * plotW;
        double Py(double y) => Top + plotH - (y - yMin) / (yMax - yMin) * plotH;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" ")
           .Append("font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(Title)}</text>\n");
        foreach (var t in yTicks)
        {
            var y = F(Py(t));
            svg.Append($"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{Left + plotW}\" y2=\"{y}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append($"<text x=\"{Left - 6}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\">{Label(t)}</text>\n");
        }
        foreach (var t in xTicks)
        {
            var x = F(Px(t));
            svg.Append($"<line x1=\"{x}\" y1=\"{Top}\" x2=\"{x}\" y2=\"{Top + plotH}\" stroke=\"#f0f0f0\"/>\n");
            svg.Append($"<text x=\"{x}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{Label(t)}</text>\n");
        }
        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n");
        svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        svg.Append($"<text transform=\"translate(18 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(YLabel)}</text>\n");

        for (var i = 0; i < Series.Count; i++)
        {
            var colour = Palette[i % Palette.Length];
            var finite = Series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            if (finite.Count > 1)
            {
                var path = string.Join(" ", finite.Select((p, k) => $"{(k == 0 ? "M" : "L")}{F(Px(p.X))},{F(Py(p.Y))}"));
                svg.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n");
            }
            if (finite.Count <= 40)
                foreach (var p in finite)
                    svg.Append($"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"3\" fill=\"{colour}\"/>\n");
            var ly = Top + 10 + i * 20;
            svg.Append($"<line x1=\"{Left + plotW + 12}\" y1=\"{ly}\" x2=\"{Left + plotW + 36}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"/>\n");
            svg.Append($"<text x=\"{Left + plotW + 42}\" y=\"{ly}\" dominant-baseline=\"middle\">{Escape(Series[i].Name)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, Render());

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0) return (0, 1);
        var (min, max) = (list.Min(), list.Max());
        if (max - min < 1e-12)
        {
            var pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            return (min - pad, max + pad);
        }
        return (min, max);
    }

    /// <summary>Round tick values (1, 2 or 5 × 10^k apart) covering [min, max].</summary>
    internal static double[] NiceTicks(double min, double max, int target)
    {
        var rough = (max - min) / Math.Max(1, target - 1);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= rough);
        var start = Math.Floor(min / step) * step;
        var ticks = new List<double>();
        for (var t = start; t <= max + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        if (ticks[^1] < max) ticks.Add(ticks[^1] + step);
        return ticks.ToArray();
    }

    private static string Label(double v) => Math.Abs(v) >= 1e4 || (Math.Abs(v) < 1e-3 && v != 0)
        ? v.ToString("0.##E0", CultureInfo.InvariantCulture)
        : Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}
