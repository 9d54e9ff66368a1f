using SharpDistill.Benchmarks;
using SharpDistill.Models;
using SharpDistill.Tests.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Benchmarks;

/// <summary>bench --compare-modes at a tiny size: one row per mode, fidelity only for the non-plain modes, nothing leaked.</summary>
public class ModeComparisonTests
{
    [Fact]
    public void ModesRunSideBySideWithFidelityFigures()
    {
        var before = LiveTensors.Settled();
        var report = ModeComparison.Run(new BenchOptions
        {
            Teacher = "resnet8", Student = "resnet8", BatchSize = 8, Steps = 1, WarmupSteps = 0, Threads = 1,
            CompareModes = true, Rounds = 2, Modes = ["bf16+fold+cl", "fp32", "fp32+fold+cl"],
        });
        Assert.Equal(before, TorchRuntime.LiveTensorCount);

        Assert.Equal(new[] { "fp32", "fp32+fold+cl", "bf16+fold+cl" }, report.Modes.Select(m => m.Mode)); // the order of ComputeMode.All
        Assert.All(report.Modes, m =>
        {
            Assert.Equal(2, m.Step.Count); // one timed step per round
            Assert.True(m.Step.MeanMs > 0 && m.TeacherForward.MeanMs > 0 && m.StudentForwardBackward.MeanMs > 0);
            Assert.Equal(8 * 1000.0 / m.Step.MeanMs, m.ImagesPerSecond, 1e-6 * m.ImagesPerSecond);
            Assert.All(m.FinalLosses.Values, v => Assert.True(double.IsFinite(v)));
        });
        var plain = report.Modes[0];
        Assert.Null(plain.Fidelity);
        Assert.Equal(0, plain.FoldedPairs);

        var exact = report.Modes[1];
        Assert.True(exact.FoldedPairs > 0);
        var f = Assert.IsType<ModeFidelity>(exact.Fidelity);
        Assert.Equal(2 * 8, f.MaskEntries); // two views of 8
        Assert.True(f.MaxAbsLogitDiff <= 1e-5 * f.MaxAbsPlainLogit, $"folded fp32 teacher differs by {f.MaxAbsLogitDiff}");

        var bf16 = Assert.IsType<ModeFidelity>(report.Modes[2].Fidelity);
        Assert.True(bf16.MaxAbsLogitDiff > f.MaxAbsLogitDiff, "bf16 weights should change the logits by more than float32 rounding");
        Assert.True(bf16.MaxAbsLogitDiff < 0.1 * bf16.MaxAbsPlainLogit);
        Assert.InRange(bf16.MaskFlipShare, 0, 1);
        Assert.Equal(Precision.Bf16, report.Modes[2].StudentPrecision);
        Assert.Equal(CpuFeatures.Current().Describe(), report.Bf16Support);
    }

    [Fact]
    public void ModeTableAndJsonNameEveryMode()
    {
        var report = ModeComparison.Run(new BenchOptions
        {
            Teacher = "resnet8", Student = "resnet8", BatchSize = 4, Steps = 1, WarmupSteps = 0, Threads = 1,
            CompareModes = true, Rounds = 1, Modes = ["fp32", "fp32+cl"],
        });
        var text = new StringWriter();
        ModeComparisonText.Write(text, report);
        Assert.Contains("fp32+cl", text.ToString());
        Assert.Contains("reference", text.ToString());
        Assert.Contains("CPU: ", text.ToString());
        using var dir = new SharpDistill.TestSupport.TempDirectory();
        var path = Path.Combine(dir.Path, "modes.json");
        ModeComparisonText.WriteJson(path, report);
        var json = File.ReadAllText(path);
        Assert.Contains("\"mode\": \"fp32+cl\"", json);
        Assert.Contains("\"mask_flip_share\"", json);
        Assert.Contains("\"memory_format\": \"channels_last\"", json);
    }

    [Fact]
    public void AMethodWithoutATeacherIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ModeComparison.Run(new BenchOptions { Method = "ce", CompareModes = true }));
        Assert.Contains("--compare-modes", e.Message);
    }
}
