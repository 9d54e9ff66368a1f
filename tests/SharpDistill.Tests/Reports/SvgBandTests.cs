using SharpDistill.Reports;

namespace SharpDistill.Tests.Reports;

/// <summary>The shaded band behind a line (the range over seeds in a study report).</summary>
public class SvgBandTests
{
    [Fact]
    public void ABandIsOnePolygonAlongTheUpperEdgeAndBackAlongTheLower()
    {
        var chart = new SvgLineChart { Width = 400, Height = 300 };
        chart.Series.Add(new ChartSeries("KD (n=3)", new[] { (1.0, 80.0), (2.0, 82.0) })
        {
            Colour = "#0072B2",
            Band = new[] { (1.0, 79.0, 81.0), (2.0, 81.0, 84.0) },
        });
        var svg = chart.Render();
        var polygon = svg.Split('\n').Single(l => l.StartsWith("<polygon", StringComparison.Ordinal));
        Assert.Contains("fill=\"#0072B2\"", polygon);
        var points = polygon.Split('"')[1].Split(' ');
        Assert.Equal(4, points.Length);
        // Upper edge left to right, then lower edge right to left: x goes up, then down.
        var xs = points.Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(xs[0] < xs[1] && xs[2] > xs[3]);
        // The band widens the y range: 84 must be inside the plot, so the top tick is at least 84.
        Assert.Contains(">84<", svg);
    }

    [Fact]
    public void NoBandOrANonFiniteBandDrawsNoPolygon()
    {
        var chart = new SvgLineChart();
        chart.Series.Add(new ChartSeries("a", new[] { (1.0, 1.0), (2.0, 2.0) }));
        chart.Series.Add(new ChartSeries("b", new[] { (1.0, 1.0), (2.0, 2.0) }) { Band = new[] { (1.0, double.NaN, 2.0), (2.0, 1.0, 3.0) } });
        Assert.DoesNotContain("<polygon", chart.Render());
    }
}
