using SharpDistill.Data.Transforms;
using Xunit.Abstractions;

namespace SharpDistill.Tests.Transforms;

public class AugmentConformanceTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly List<string> _tempFiles = new();

    public AugmentConformanceTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void EveryReferenceCaseMatchesPilExactly()
    {
        var report = AugmentConformance.Run(RepoPaths.Vectors("augment.json"));
        _output.WriteLine(report.Describe());
        Assert.Equal(74, report.Cases.Count);
        // All 14 ops are covered by the file, and every one is exact.
        Assert.Equal(AugmentOp.CrldTable.Select(o => o.Name).OrderBy(n => n, StringComparer.Ordinal), report.Ops.Select(o => o.Op));
        foreach (var c in report.Cases)
            Assert.True(c.Passed, $"case {c.Index} {c.Op}({c.Magnitude}) on image {c.Image}: {c.WrongValues} values differ, worst by {c.WorstAbsError}");
        Assert.True(report.Passed);
    }

    [Fact]
    public void ReportsPerOpWorstErrorsWhenOutputsDiffer()
    {
        // Two 2x1 gray cases: Identity is right; the Solarize reference is off by 3 in one value.
        var path = WriteTemp("""
            {"image_shape": [1, 2, 1], "images": [[10, 200]],
             "cases": [{"op": "Identity", "magnitude": 0, "image": 0, "output": [10, 200]},
                       {"op": "Solarize", "magnitude": 128, "image": 0, "output": [10, 58]}]}
            """);
        var report = AugmentConformance.Run(path);
        Assert.False(report.Passed);
        Assert.True(report.Ops.Single(o => o.Op == "Identity").Passed);
        var solarize = report.Ops.Single(o => o.Op == "Solarize");
        Assert.Equal((1, 1, 3), (solarize.Cases, solarize.FailedCases, solarize.WorstAbsError)); // 255 − 200 = 55, not 58
        Assert.Equal(1, report.Cases[1].WrongValues);
        Assert.Contains("FAIL", report.Describe());
    }

    [Fact]
    public void BadFilesGiveErrorsNamingTheFileAndTheKey()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sharpdistill-no-such-augment.json");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => AugmentConformance.Run(missing)).Message);

        var notJson = WriteTemp("{ not json");
        Assert.Contains(notJson, Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(notJson)).Message);

        var noCases = WriteTemp("""{"image_shape": [1, 1, 3], "images": [[1, 2, 3]]}""");
        Assert.Contains("'cases'", Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(noCases)).Message);

        var shortOutput = WriteTemp("""
            {"image_shape": [1, 1, 3], "images": [[1, 2, 3]],
             "cases": [{"op": "Identity", "magnitude": 0, "image": 0, "output": [1, 2]}]}
            """);
        var e = Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(shortOutput));
        Assert.Contains("cases[0].output", e.Message);
        Assert.Contains("needs 3", e.Message);

        var unknownOp = WriteTemp("""
            {"image_shape": [1, 1, 1], "images": [[1]],
             "cases": [{"op": "Invert", "magnitude": 0, "image": 0, "output": [1]}]}
            """);
        Assert.Contains("unknown augmentation op 'Invert'", Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(unknownOp)).Message);

        var badImageIndex = WriteTemp("""
            {"image_shape": [1, 1, 1], "images": [[1]],
             "cases": [{"op": "Identity", "magnitude": 0, "image": 3, "output": [1]}]}
            """);
        Assert.Contains("cases[0].image = 3", Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(badImageIndex)).Message);

        var badPixel = WriteTemp("""{"image_shape": [1, 1, 1], "images": [[256]], "cases": []}""");
        Assert.Contains("images[0]'[0]", Assert.Throws<InvalidDataException>(() => AugmentConformance.Run(badPixel)).Message);
    }


    private string WriteTemp(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sharpdistill-augment-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        _tempFiles.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var f in _tempFiles) File.Delete(f);
    }
}
