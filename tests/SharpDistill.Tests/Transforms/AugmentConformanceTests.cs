using SharpDistill.Data.Transforms;
using Xunit.Abstractions;

namespace SharpDistill.Tests.Transforms;

public class AugmentConformanceTests
{
    private readonly ITestOutputHelper _output;

    public AugmentConformanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EveryReferenceCaseMatchesPilExactly()
    {
        var report = AugmentConformance.Run(ReferenceVectors.Find("augment.json"));
        _output.WriteLine(report.Describe());
        Assert.Equal(74, report.Cases.Count);
        // All 14 ops are covered by the file, and every one is exact.
        Assert.Equal(AugmentOp.CrldTable.Select(o => o.Name).OrderBy(n => n, StringComparer.Ordinal), report.Ops.Select(o => o.Op));
        foreach (var c in report.Cases)
            Assert.True(c.Passed, $"case {c.Index} {c.Op}({c.Magnitude}) on image {c.Image}: {c.WrongValues} values differ, worst by {c.WorstAbsError}");
        Assert.True(report.Passed);
    }
}
