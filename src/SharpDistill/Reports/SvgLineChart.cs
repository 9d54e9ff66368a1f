using System.Globalization;
using System.Net;
using System.Text;

namespace SharpDistill.Reports;

/// <summary>
/// One line of a chart: a name for the legend and its (x, y) points in order. Non-finite points
/// (NaN, ±∞: a diverged epoch) are left out and break the line there rather than being bridged.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points)
{
    /// <summary>Drawn dashed: for reference lines (a teacher) that are not one of the compared methods.</summary>
    public bool Dashed { get; init; }

    /// <summary>An explicit CSS colour; null takes the next palette colour, so a run can keep one colour across charts.</summary>
    public string? Colour { get; init; }

    /// <summary>Marks each point (when the chart is not too crowded); off for reference lines, whose ends are not data.</summary>
    public bool Markers { get; init; } = true;

    /// <summary>A shaded band behind the line (e.g. min..max over seeds), one (x, low, high) per point; null draws none.</summary>
    public IReadOnlyList<(double X, double Low, double High)>? Band { get; init; }
}

/// <summary>
/// A self-contained SVG line chart (axes with "nice" ticks, grid, one coloured line per series,
/// markers, legend), so reports need no plotting library and render in any browser.
/// </summary>
public sealed class SvgLineChart
{
    // Colour-blind-friendly palette (Okabe–Ito), readable on white.
    internal static readonly string[] Palette =
        { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442" };

    public string Title { get; init; } = "";
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 420;
    /// <summary>X values are counts (epochs): ticks fall on whole numbers even when the range is one or two wide.</summary>
    public bool IntegerX { get; init; }
    /// <summary>Written in the middle of the plot when no series has a finite point.</summary>
    public string EmptyMessage { get; init; } = "no data";
    public List<ChartSeries> Series { get; } = new();

    private const int Left = 64, Top = 38, Bottom = 50;
    // Approximate advance of a 12px sans-serif character, to size the legend column without measuring text.
    private const double CharWidth = 7.6;

    public string Render()
    {
        var points = Series.SelectMany(s => s.Points)
            .Concat(Series.SelectMany(s => s.Band ?? Array.Empty<(double X, double Low, double High)>()).SelectMany(b => new[] { (X: b.X, Y: b.Low), (X: b.X, Y: b.High) }))
            .Where(IsFinite).ToList();
        var (xMin, xMax) = Range(points.Select(p => p.X), IntegerX);
        var (yMin, yMax) = Range(points.Select(p => p.Y), integer: false);
        var xTicks = IntegerX ? IntegerTicks(xMin, xMax, 8) : NiceTicks(xMin, xMax, 8);
        var yTicks = NiceTicks(yMin, yMax, 6);
        (xMin, xMax) = (Math.Min(xMin, xTicks[0]), Math.Max(xMax, xTicks[^1]));
        (yMin, yMax) = (Math.Min(yMin, yTicks[0]), Math.Max(yMax, yTicks[^1]));
        var right = LegendWidth();
        var plotW = Width - Left - right;
        var plotH = Height - Top - Bottom;
        double Px(double x) => Left + (x - xMin) / (xMax - xMin) * plotW;
        double Py(double y) => Top + plotH - (y - yMin) / (yMax - yMin) * plotH;

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" ")
           .Append("font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" role=\"img\">\n");
        svg.Append($"<title>{Escape(Title)}</title>\n");
        svg.Append($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(Title)}</text>\n");
        if (points.Count > 0)
        {
            foreach (var t in yTicks)
            {
                var y = F(Py(t));
                svg.Append($"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{Left + plotW}\" y2=\"{y}\" stroke=\"#e5e5e5\"/>\n");
                svg.Append($"<text x=\"{Left - 6}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#333\">{Label(t)}</text>\n");
            }
            foreach (var t in xTicks)
            {
                var x = F(Px(t));
                svg.Append($"<line x1=\"{x}\" y1=\"{Top}\" x2=\"{x}\" y2=\"{Top + plotH}\" stroke=\"#f0f0f0\"/>\n");
                svg.Append($"<text x=\"{x}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\" fill=\"#333\">{Label(t)}</text>\n");
            }
        }
        else
        {
            svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" dominant-baseline=\"middle\" ")
               .Append($"font-size=\"14\" fill=\"#888\">{Escape(EmptyMessage)}</text>\n");
        }
        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\"/>\n");
        svg.Append($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        svg.Append($"<text transform=\"translate(16 {Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(YLabel)}</text>\n");

        var paletteIndex = 0;
        for (var i = 0; i < Series.Count; i++)
        {
            var series = Series[i];
            var colour = series.Colour ?? Palette[paletteIndex++ % Palette.Length];
            var dash = series.Dashed ? " stroke-dasharray=\"7 4\"" : "";
            if (series.Band is { } band && BandPolygon(band, Px, Py) is { Length: > 0 } polygon)
                svg.Append($"<polygon points=\"{polygon}\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"none\"/>\n");
            var path = PathData(series.Points, Px, Py);
            if (path.Length > 0)
                svg.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linejoin=\"round\"{dash}/>\n");
            var finite = series.Points.Where(IsFinite).ToList();
            if (series.Markers && finite.Count <= 40)
                foreach (var p in finite)
                    svg.Append($"<circle cx=\"{F(Px(p.X))}\" cy=\"{F(Py(p.Y))}\" r=\"3\" fill=\"{colour}\"/>\n");
            var ly = Top + 10 + i * 20;
            var lx = Left + plotW + 12;
            svg.Append($"<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{lx + 24}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"{dash}/>\n");
            svg.Append($"<text x=\"{lx + 30}\" y=\"{ly}\" dominant-baseline=\"middle\">{Escape(series.Name)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, Render());

    private int LegendWidth()
    {
        var longest = Series.Count == 0 ? 0 : Series.Max(s => s.Name.Length);
        return (int)Math.Ceiling(12 + 30 + longest * CharWidth + 12);
    }

    /// <summary>One "M … L …" run per stretch of consecutive finite points; a lone point gets only its marker.</summary>
    private static string PathData(IReadOnlyList<(double X, double Y)> points, Func<double, double> px, Func<double, double> py)
    {
        var parts = new List<string>();
        var run = new List<(double X, double Y)>();
        void Flush()
        {
            if (run.Count > 1)
                parts.Add(string.Join(" ", run.Select((p, k) => $"{(k == 0 ? "M" : "L")}{F(px(p.X))},{F(py(p.Y))}")));
            run.Clear();
        }
        foreach (var p in points)
        {
            if (IsFinite(p)) run.Add(p);
            else Flush();
        }
        Flush();
        return string.Join(" ", parts);
    }

    /// <summary>The band's upper edge left to right, then its lower edge back; empty unless every point is finite and there are two.</summary>
    private static string BandPolygon(IReadOnlyList<(double X, double Low, double High)> band, Func<double, double> px, Func<double, double> py)
    {
        if (band.Count < 2 || band.Any(b => !double.IsFinite(b.X) || !double.IsFinite(b.Low) || !double.IsFinite(b.High))) return "";
        var upper = band.Select(b => $"{F(px(b.X))},{F(py(b.High))}");
        var lower = band.Reverse().Select(b => $"{F(px(b.X))},{F(py(b.Low))}");
        return string.Join(" ", upper.Concat(lower));
    }

    private static bool IsFinite((double X, double Y) p) => double.IsFinite(p.X) && double.IsFinite(p.Y);

    private static (double Min, double Max) Range(IEnumerable<double> values, bool integer)
    {
        var list = values.ToList();
        if (list.Count == 0) return (0, 1);
        var (min, max) = (list.Min(), list.Max());
        if (max - min < 1e-12)
        {
            var pad = integer ? 1 : Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
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
        return TicksWithStep(min, max, step);
    }

    /// <summary>Like <see cref="NiceTicks"/> but never closer than 1 apart, so epochs are never labelled 1.5.</summary>
    internal static double[] IntegerTicks(double min, double max, int target)
    {
        var nice = NiceTicks(min, max, target);
        var step = nice.Length > 1 ? nice[1] - nice[0] : 1;
        return step >= 1 ? nice : TicksWithStep(min, max, 1);
    }

    private static double[] TicksWithStep(double min, double max, double step)
    {
        var start = Math.Floor(min / step) * step;
        var ticks = new List<double>();
        for (var t = start; t <= max + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        if (ticks[^1] < max) ticks.Add(ticks[^1] + step);
        return ticks.ToArray();
    }

    internal static string Label(double v) => Math.Abs(v) >= 1e4 || (Math.Abs(v) < 1e-3 && v != 0)
        ? v.ToString("0.##E0", CultureInfo.InvariantCulture)
        : Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture);

    internal static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Escape(string s) => WebUtility.HtmlEncode(s);
}
