using SharpDistill.Benchmarks;

namespace SharpDistill.Tests.Benchmarks;

public class BenchSupportTests
{
    [Fact]
    public void TimingStatsAreTheUsualStatistics()
    {
        var odd = TimingStats.Of(new[] { 3.0, 1.0, 2.0 });
        Assert.Equal((3, 2.0, 2.0, 1.0, 3.0, 1.0), (odd.Count, odd.MeanMs, odd.MedianMs, odd.MinMs, odd.MaxMs, odd.StdDevMs));
        var even = TimingStats.Of(new[] { 4.0, 1.0, 2.0, 10.0 });
        Assert.Equal(3.0, even.MedianMs);
        Assert.Equal(4.25, even.MeanMs);
        Assert.Equal(0, TimingStats.Of(new[] { 5.0 }).StdDevMs);
        Assert.Throws<ArgumentException>(() => TimingStats.Of(Array.Empty<double>()));
    }

    [Fact]
    public void ProcStatusLinesParseWithTabsAndSpaces()
    {
        var lines = new[] { "Name:\tdotnet", "VmHWM:\t  212320 kB", "VmRSS:     1024 kB" };
        Assert.Equal(212320, ProcessMemory.ParseKiB(lines, "VmHWM"));
        Assert.Equal(1024, ProcessMemory.ParseKiB(lines, "VmRSS"));
        Assert.Null(ProcessMemory.ParseKiB(lines, "VmPeak"));
        Assert.Throws<FormatException>(() => ProcessMemory.ParseKiB(new[] { "VmRSS: lots" }, "VmRSS"));
        if (OperatingSystem.IsLinux()) Assert.True(ProcessMemory.PeakResidentMib() >= ProcessMemory.ResidentMib() - 1);
    }

    [Fact]
    public void ReportJsonIsRejectedWhenIncompleteOrOfAnotherSchema()
    {
        var missing = Assert.Throws<InvalidDataException>(() => BenchReportJson.Deserialize("{\"schema_version\": 1}", "old.json"));
        Assert.Contains("old.json", missing.Message);
        Assert.Throws<InvalidDataException>(() => BenchReportJson.Deserialize("[1, 2]"));
        Assert.Throws<InvalidDataException>(() => BenchReportJson.Deserialize("null"));
    }

    [Fact]
    public void EveryBenchMethodNameIsAccepted()
    {
        foreach (var name in SharpDistill.Distillers.MethodRegistry.Names) new BenchOptions { Method = name }.Validate();
        Assert.Contains("valid methods", Assert.Throws<ArgumentException>(() => new BenchOptions { Method = "magic" }.Validate()).Message);
        Assert.Throws<ArgumentException>(() => new BenchOptions { Teacher = "", Method = "kd" }.Validate());
        new BenchOptions { Teacher = "", Method = "ce" }.Validate();
    }
}
