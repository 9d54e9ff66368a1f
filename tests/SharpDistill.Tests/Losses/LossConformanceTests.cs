using SharpDistill.Distillers.Losses;
using SharpDistill.Torch;
using Xunit.Abstractions;

namespace SharpDistill.Tests.Losses;

public class LossConformanceTests(ITestOutputHelper output)
{
    private static readonly string[] MethodsInSpec = { "kd", "dkd", "crld", "dist", "dcd" };

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void EveryReferenceCaseMatches(DType dtype)
    {
        var report = LossConformance.Run(LossTestSupport.LossVectorsPath(), dtype);
        output.WriteLine(report.Format());
        Assert.True(report.Passed, report.Format());
        Assert.Equal(LossConformance.DefaultTolerance(dtype), report.Tolerance);
        foreach (var method in MethodsInSpec) Assert.Contains(report.Methods, m => m.Method == method);
        // tests/data/README.md: 3 kd, 6 dkd, 4 crld, 2 dist and 3 dcd cases.
        Assert.Equal(18, report.Cases.Count);
        Assert.All(report.Cases, c => Assert.NotEmpty(c.Quantities));
    }
}
