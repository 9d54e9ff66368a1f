using System.Globalization;
using System.Xml.Linq;
using SharpDistill.Reports;

namespace SharpDistill.Tests.Reports;

public class SvgBarChartTests
{
    private static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private static XDocument Render(params ChartBar[] bars)
    {
        var chart = new SvgBarChart { Title = "gain", ValueLabel = "points" };
        chart.Bars.AddRange(bars);
        return XDocument.Parse(chart.Render());
    }

    private static double Attr(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void BarsStartAtZeroAndGoRightForGainsLeftForLosses()
    {
        var doc = Render(new ChartBar("CRLD", 2.0), new ChartBar("DCD", -1.0));
        var bars = doc.Descendants(Ns + "rect").Where(r => (string?)r.Attribute("fill") is "#1a7f37" or "#cf222e").ToList();
        Assert.Equal(2, bars.Count);
        var (up, down) = (bars[0], bars[1]);
        var zero = Attr(up, "x");
        Assert.Equal(zero, Attr(down, "x") + Attr(down, "width"), 1); // both touch the zero line
        Assert.Equal(2.0, Attr(up, "width") / Attr(down, "width"), 1); // lengths in proportion to the values
        var texts = doc.Descendants(Ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("+2.00", texts);
        Assert.Contains("\u22121.00", texts);
    }

    [Fact]
    public void NonFiniteValueIsWrittenAsNoData()
    {
        var doc = Render(new ChartBar("KD", 0.5), new ChartBar("DKD", double.NaN));
        Assert.Contains("no data", doc.Descendants(Ns + "text").Select(t => t.Value));
        Assert.Single(doc.Descendants(Ns + "rect"), r => (string?)r.Attribute("fill") == "#1a7f37");
    }

    [Fact]
    public void EmptyChartStillRenders() => Assert.NotNull(Render());

    [Theory]
    [InlineData(1.234, 2, "+1.23")]
    [InlineData(-0.4, 2, "\u22120.40")]
    [InlineData(-0.001, 2, "0.00")] // rounds to zero: no sign
    [InlineData(0.0, 1, "0.0")]
    public void SignedValuesCarryTheirSign(double value, int decimals, string expected) =>
        Assert.Equal(expected, SvgBarChart.Signed(value, decimals));
}
