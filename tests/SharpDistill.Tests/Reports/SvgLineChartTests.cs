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
}
