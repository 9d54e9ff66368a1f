using System.Globalization;

namespace SharpDistill.Benchmarks;

/// <summary>The human-readable form of a <see cref="BenchReport"/>, as <c>sharpdistill bench</c> prints it.</summary>
public static class BenchReportText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(TextWriter output, BenchReport report)
    {
        var s = report.Settings;
        var m = report.Machine;
        var e = report.Engine;
        var t = report.Training;
        var pair = s.Teacher is null ? s.Student : $"{s.Teacher} -> {s.Student}";
        output.WriteLine(F("bench: {0}, {1}, batch {2}, {3}x{3} inputs, {4} classes, device {5}", s.Method, pair, s.BatchSize, s.ImageSize, s.NumClasses, e.Device));
        output.WriteLine(F("engine: libtorch {0} (shim ABI {1}), {2} intra-op threads; {3}, {4} build", e.LibTorchVersion, e.AbiVersion, e.IntraOpThreads, m.DotNet, m.BuildConfiguration));
        output.WriteLine(F("allocator: {0}", e.Allocator));
        output.WriteLine(F("compute: {0}; CPU: {1}", report.ComputeMode, report.Bf16Support));
        output.WriteLine(F("machine: {0} logical cores{1}, {2} {3}; load average (1 min) {4} at start, {5} at end",
            m.LogicalCores, m.CpuModel is null ? "" : $" ({m.CpuModel})", m.Os, m.Architecture, Number(m.LoadAverageStart), Number(m.LoadAverageEnd)));
        output.WriteLine();

        output.WriteLine(F("training step ({0} timed steps after {1} warm-up; {2} view(s) per image; teacher {3})",
            s.Steps, s.WarmupSteps, t.Views, report.TeacherModeReason));
        output.WriteLine(F("  throughput: {0:F1} images/s", t.ImagesPerSecond));
        output.WriteLine(F("  {0,-24}{1,10}{2,10}{3,10}{4,10}{5,10}", "ms per step", "mean", "median", "min", "max", "share"));
        Row(output, "teacher forward", t.TeacherForward, t.Step);
        Row(output, "student forward+backward", t.StudentForwardBackward, t.Step);
        Row(output, "optimizer step", t.OptimizerStep, t.Step);
        Row(output, "whole step", t.Step, t.Step);
        output.WriteLine("  losses of the last step (random weights and inputs; a gated term may be 0 but is computed all the same): " + string.Join(", ", t.FinalLosses.Select(l => F("{0} {1:G5}", l.Key, l.Value))));
        output.WriteLine();

        if (report.TeacherBatching is { } b)
        {
            output.WriteLine(F("teacher, one batched call vs {0} separate calls ({1} repetitions each; eval mode: every sample independent):", t.Views, b.Separate.Count));
            output.WriteLine(F("  logits bitwise identical: {0}; max |batched - separate| = {1:G3}; max |separate - repeated separate| = {2:G3}",
                b.Identical ? "yes" : "NO", b.MaxAbsDiff, b.RepeatMaxAbsDiff));
            output.WriteLine(F("  separate {0:F2} ms, batched {1:F2} ms (mean; medians {2:F2} / {3:F2}): batched is x{4:F2} the speed (training calls the teacher once per view)",
                b.Separate.MeanMs, b.Batched.MeanMs, b.Separate.MedianMs, b.Batched.MedianMs, b.Speedup));
            output.WriteLine();
        }

        var p = report.Pipeline;
        output.WriteLine(F("data pipeline ({0}; {1} views per image, batch {2}):", p.Transform, p.Views, p.BatchSize));
        foreach (var x in new[] { p.SingleWorker, p.MultiWorker })
            output.WriteLine(F("  {0,2} worker thread(s): {1,9:F0} images/s, {2,9:F0} per worker ({3} images in {4:F2} s)",
                x.Workers, x.ImagesPerSecond, x.ImagesPerSecondPerWorker, x.Images, x.Seconds));
        output.WriteLine();

        var mem = report.Memory;
        output.WriteLine(F("memory: peak resident {0} MiB in training, {1} MiB in the pipeline, {2} MiB for the process{3}; resident {4} -> {5} MiB",
            Number(mem.PeakTrainingMib), Number(mem.PeakPipelineMib), Number(mem.PeakProcessMib),
            mem.PeakResetSupported ? "" : " (phase peaks not separable here: process peak so far)", Number(mem.RssStartMib), Number(mem.RssEndMib)));
        var live = report.LiveTensors;
        output.WriteLine(F("live tensors: {0} before, {1} after: {2}", live.Baseline, live.After,
            live.BackToBaseline ? "back to baseline" : $"{live.Leaked:+#;-#} NOT back to baseline"));
    }

    private static void Row(TextWriter output, string name, TimingStats x, TimingStats whole) =>
        output.WriteLine(F("  {0,-24}{1,10:F2}{2,10:F2}{3,10:F2}{4,10:F2}{5,9:F1}%", name, x.MeanMs, x.MedianMs, x.MinMs, x.MaxMs, 100 * x.MeanMs / whole.MeanMs));

    private static string Number(double? value) => value is { } v ? v.ToString("F1", Inv) : "n/a";

    private static string F(string format, params object?[] args) => string.Format(Inv, format, args);
}
