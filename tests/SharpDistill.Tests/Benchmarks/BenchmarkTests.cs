using System.Text.Json;
using SharpDistill.Benchmarks;
using SharpDistill.Tests.Models;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Benchmarks;

/// <summary>The whole bench at a tiny size: every figure is a real measurement, and the bench cleans up after itself.</summary>
public class BenchmarkTests
{
    private static BenchOptions Tiny(string method = "crld") => new()
    {
        Teacher = "resnet8",
        Student = "resnet8",
        Method = method,
        BatchSize = 4,
        Steps = 2,
        WarmupSteps = 1,
        Workers = 2,
        PipelineSamples = 24,
        TeacherComparisonRepetitions = 2,
    };

    [Fact]
    public void TinyCrldBenchReportsFiniteFiguresAndFreesEveryTensor()
    {
        var before = LiveTensors.Settled();
        var threadsBefore = TorchRuntime.Threads;
        var report = Benchmark.Run(Tiny() with { Threads = 1 });

        Assert.Equal(before, TorchRuntime.LiveTensorCount);
        Assert.True(report.LiveTensors.BackToBaseline, $"bench leaked {report.LiveTensors.Leaked} tensors");
        Assert.Equal(0, report.LiveTensors.Leaked);
        Assert.Equal(threadsBefore, TorchRuntime.Threads); // --threads applies to the bench only
        Assert.Equal(1, report.Engine.IntraOpThreads);

        var t = report.Training;
        Positive(t.ImagesPerSecond);
        foreach (var stats in new[] { t.Step, t.TeacherForward, t.StudentForwardBackward, t.OptimizerStep })
        {
            Assert.Equal(2, stats.Count);
            Positive(stats.MeanMs, stats.MedianMs, stats.MinMs, stats.MaxMs);
            Assert.True(stats.MinMs <= stats.MedianMs && stats.MedianMs <= stats.MaxMs);
        }
        // The phases are timed back to back, so they make up the whole step.
        // (An absolute tolerance: rounding to N decimal places flips at a .5 boundary on sums that differ by 1 ulp.)
        Assert.Equal(t.Step.MeanMs, t.TeacherForward.MeanMs + t.StudentForwardBackward.MeanMs + t.OptimizerStep.MeanMs, 1e-6);
        Assert.Equal(4 * 1000.0 / t.Step.MeanMs, t.ImagesPerSecond, 1e-6 * t.ImagesPerSecond);
        Assert.Equal(2, t.Views);
        Assert.Equal(new[] { "loss_ce", "loss_kd_wv", "loss_kd_cv" }, t.FinalLosses.Keys);
        Assert.All(t.FinalLosses.Values, v => Assert.True(double.IsFinite(v)));

        var b = Assert.IsType<TeacherBatchingResult>(report.TeacherBatching);
        Assert.True(b.MaxAbsDiff >= 0 && double.IsFinite(b.MaxAbsDiff));
        Assert.Equal(b.Identical, b.MaxAbsDiff == 0);
        // The timed steps call the teacher as training does, whatever the comparison found (a bench on
        // a CPU where batching was bitwise identical once timed a form training never runs).
        Assert.Equal(TeacherForwardMode.Separate, t.TeacherMode);
        Assert.StartsWith("separate, as in training", report.TeacherModeReason);
        Positive(b.Separate.MeanMs, b.Batched.MeanMs, b.Speedup);
        Assert.Equal((2, 2), (b.Separate.Count, b.Batched.Count));

        var p = report.Pipeline;
        Assert.Equal(2, p.Views);
        Assert.Equal((1, 24), (p.SingleWorker.Workers, p.SingleWorker.Images));
        Assert.Equal((2, 24), (p.MultiWorker.Workers, p.MultiWorker.Images));
        Positive(p.SingleWorker.ImagesPerSecond, p.MultiWorker.ImagesPerSecond, p.MultiWorker.Seconds);
        Assert.Equal(p.MultiWorker.ImagesPerSecond / 2, p.MultiWorker.ImagesPerSecondPerWorker, 9);

        if (OperatingSystem.IsLinux())
        {
            Positive(report.Memory.PeakTrainingMib!.Value, report.Memory.PeakPipelineMib!.Value, report.Memory.RssStartMib!.Value);
            Assert.True(report.Memory.PeakProcessMib >= report.Memory.PeakTrainingMib);
        }
        Assert.Equal(Environment.ProcessorCount, report.Machine.LogicalCores);
        Assert.False(string.IsNullOrEmpty(report.Engine.LibTorchVersion));
        Assert.Equal("cpu", report.Engine.Device);

        // JSON: round-trips exactly, with the documented snake_case fields.
        var json = BenchReportJson.Serialize(report);
        Assert.Equal(json, BenchReportJson.Serialize(BenchReportJson.Deserialize(json)));
        var future = json.Replace($"\"schema_version\": {BenchReport.CurrentSchemaVersion},", "\"schema_version\": 99,");
        Assert.Contains("schema version 99", Assert.Throws<InvalidDataException>(() => BenchReportJson.Deserialize(future)).Message);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(BenchReport.CurrentSchemaVersion, root.GetProperty("schema_version").GetInt32());
        Assert.True(root.GetProperty("timestamp").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal(Environment.ProcessorCount, root.GetProperty("machine").GetProperty("logical_cores").GetInt32());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("machine").GetProperty("os").GetString()));
        Assert.StartsWith(".NET", root.GetProperty("machine").GetProperty("dotnet").GetString());
        Assert.Equal(report.Engine.LibTorchVersion, root.GetProperty("engine").GetProperty("libtorch_version").GetString());
        Assert.Equal("crld", root.GetProperty("settings").GetProperty("method").GetString());
        var training = root.GetProperty("training");
        foreach (var phase in new[] { "teacher_forward", "student_forward_backward", "optimizer_step", "step" })
            Assert.True(training.GetProperty(phase).GetProperty("median_ms").GetDouble() > 0);
        Assert.True(training.GetProperty("images_per_second").GetDouble() > 0);
        Assert.True(root.GetProperty("pipeline").GetProperty("multi_worker").GetProperty("images_per_second_per_worker").GetDouble() > 0);
        Assert.True(root.GetProperty("teacher_batching").GetProperty("max_abs_diff").ValueKind == JsonValueKind.Number);
        Assert.True(root.GetProperty("live_tensors").GetProperty("back_to_baseline").GetBoolean());

        var text = new StringWriter();
        BenchReportText.Write(text, report);
        Assert.Contains("images/s", text.ToString());
        Assert.Contains("back to baseline", text.ToString());
    }

    [Theory]
    [InlineData("dcd")] // reads the teacher's features through the replay
    [InlineData("ce")]  // no teacher at all
    [InlineData("dist")]
    public void OtherMethodsRunWithoutLeaks(string method)
    {
        var before = LiveTensors.Settled();
        var report = Benchmark.Run(Tiny(method) with { Steps = 1, WarmupSteps = 0, PipelineSamples = 4, Workers = 1 });
        Assert.Equal(before, TorchRuntime.LiveTensorCount);
        Assert.True(report.LiveTensors.BackToBaseline);
        Assert.Equal(1, report.Training.Views);
        Assert.Null(report.TeacherBatching);
        Assert.Equal(TeacherForwardMode.Separate, report.Training.TeacherMode);
        Positive(report.Training.ImagesPerSecond, report.Training.StudentForwardBackward.MeanMs);
        Assert.All(report.Training.FinalLosses.Values, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(method == "ce" ? null : "resnet8", report.Settings.Teacher);
    }

    [Theory]
    [InlineData("nope", "valid methods: ce, cmkd, crld, dcd")]
    [InlineData("crld", "--batch-size")]
    public void BadOptionsAreRejectedByName(string method, string expected)
    {
        var options = Tiny(method) with { BatchSize = method == "crld" ? 1 : 4 };
        var error = Assert.Throws<ArgumentException>(() => Benchmark.Run(options));
        Assert.Contains(expected, error.Message);
    }

    [CpuOnlyFact]
    public void CudaWithoutCudaIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => Benchmark.Run(Tiny() with { Device = Device.Cuda }));
        Assert.Contains("CUDA is not available", error.Message);
    }

    private static void Positive(params double[] values) =>
        Assert.All(values, v => Assert.True(v > 0 && double.IsFinite(v), $"expected a positive finite figure, got {v}"));
}
