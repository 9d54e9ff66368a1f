using System.Xml.Linq;
using SharpDistill.Reports;

namespace SharpDistill.Tests.Reports;

public class SvgLineChartTests
{
    [Fact]
    public void RendersWellFormedSvgWithOnePathAndLegendEntryPerSeries()
    {
        var chart = new SvgLineChart { Title = "Test top-1 <%>", XLabel = "epoch", YLabel = "accuracy (%)" };
        chart.Series.Add(new ChartSeries("KD", new[] { (1.0, 50.0), (2.0, 70.0), (3.0, 80.5) }));
        chart.Series.Add(new ChartSeries("CRLD & co", new[] { (1.0, 55.0), (2.0, 75.0), (3.0, double.NaN) }));
        var doc = XDocument.Parse(chart.Render());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2, doc.Descendants(ns + "path").Count());
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("Test top-1 <%>", texts);
        Assert.Contains("CRLD & co", texts);
        Assert.Contains("epoch", texts);
    }

    [Fact]
    public void EmptyAndFlatSeriesStillRender()
    {
        var chart = new SvgLineChart { Title = "flat" };
        chart.Series.Add(new ChartSeries("flat", new[] { (1.0, 3.0), (2.0, 3.0) }));
        chart.Series.Add(new ChartSeries("empty", Array.Empty<(double, double)>()));
        Assert.NotNull(XDocument.Parse(chart.Render()));
    }

    [Theory]
    [InlineData(0, 1, 6)]
    [InlineData(61.3, 87.9, 6)]
    [InlineData(1, 240, 8)]
    [InlineData(0.0012, 0.0031, 5)]
    public void TicksAreRoundAndCoverTheRange(double min, double max, int target)
    {
        var ticks = SvgLineChart.NiceTicks(min, max, target);
        Assert.True(ticks[0] <= min && ticks[^1] >= max);
        Assert.InRange(ticks.Length, 2, target * 2 + 1);
        var step = ticks[1] - ticks[0];
        var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0, 10.0 });
    }

    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    [Fact]
    public void NonFinitePointsBreakTheLineInsteadOfBridgingIt()
    {
        var chart = new SvgLineChart();
        chart.Series.Add(new ChartSeries("a", new[] { (1.0, 1.0), (2.0, 2.0), (3.0, double.NaN), (4.0, 3.0), (5.0, double.PositiveInfinity), (6.0, 4.0), (7.0, 5.0) }));
        var path = XDocument.Parse(chart.Render()).Descendants(Ns + "path").Single();
        var d = path.Attribute("d")!.Value;
        Assert.Equal(2, d.Count(c => c == 'M')); // 1–2 and 6–7; the lone point 4 has only its marker
        Assert.Equal(5, XDocument.Parse(chart.Render()).Descendants(Ns + "circle").Count());
    }

    [Fact]
    public void DashedSeriesAndExplicitColoursAreKeptInLineAndLegend()
    {
        var chart = new SvgLineChart();
        chart.Series.Add(new ChartSeries("teacher", new[] { (1.0, 90.0), (2.0, 91.0) }) { Dashed = true, Colour = "#123456", Markers = false });
        chart.Series.Add(new ChartSeries("student", new[] { (1.0, 80.0), (2.0, 85.0) }));
        var doc = XDocument.Parse(chart.Render());
        var dashed = doc.Descendants().Where(e => e.Attribute("stroke-dasharray") is not null).ToList();
        Assert.Equal(2, dashed.Count); // the line and its legend swatch
        Assert.All(dashed, e => Assert.Equal("#123456", (string?)e.Attribute("stroke")));
        Assert.DoesNotContain(doc.Descendants(Ns + "circle"), c => (string?)c.Attribute("fill") == "#123456");
        // The palette starts over for the series without a colour.
        Assert.Contains(doc.Descendants(Ns + "path"), p => (string?)p.Attribute("stroke") == "#0072B2");
    }

    [Fact]
    public void ChartWithoutFinitePointsSaysSo()
    {
        var chart = new SvgLineChart { Title = "loss" };
        chart.Series.Add(new ChartSeries("loss_ce", new[] { (1.0, double.NaN) }));
        var texts = XDocument.Parse(chart.Render()).Descendants(Ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("no data", texts);
        Assert.Contains("loss_ce", texts); // the legend still names the series
    }

    [Fact]
    public void LegendColumnWidensForLongNames()
    {
        static double PlotRight(string name)
        {
            var chart = new SvgLineChart { Width = 600 };
            chart.Series.Add(new ChartSeries(name, new[] { (1.0, 1.0), (2.0, 2.0) }));
            var frame = XDocument.Parse(chart.Render()).Descendants(Ns + "rect").Single(r => (string?)r.Attribute("fill") == "none");
            return double.Parse(frame.Attribute("x")!.Value) + double.Parse(frame.Attribute("width")!.Value);
        }
        Assert.True(PlotRight("Teacher (best of 240 epochs)") < PlotRight("KD") - 100);
    }

    [Theory]
    [InlineData(1, 1, new[] { 0.0, 1, 2 })]
    [InlineData(1, 3, new[] { 1.0, 2, 3 })]
    [InlineData(1, 240, new[] { 0.0, 50, 100, 150, 200, 250 })]
    public void IntegerTicksNeverSplitAnEpoch(double min, double max, double[] expected)
    {
        if (min == max) (min, max) = (min - 1, max + 1); // as the chart pads a single epoch
        Assert.Equal(expected, SvgLineChart.IntegerTicks(min, max, 8));
    }
}
