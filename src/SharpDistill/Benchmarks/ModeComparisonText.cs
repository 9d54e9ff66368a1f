using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Benchmarks;

/// <summary>The table <c>bench --compare-modes</c> prints, and its JSON file.</summary>
public static class ModeComparisonText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(TextWriter output, ModeComparisonReport report)
    {
        var s = report.Settings;
        var m = report.Machine;
        output.WriteLine(F("bench --compare-modes: {0}, {1} -> {2}, batch {3}, {4}x{4} inputs, {5} classes; {6} round(s) of {7} timed steps per mode ({8} warm-up first)",
            s.Method, s.Teacher, s.Student, s.BatchSize, s.ImageSize, s.NumClasses, report.Rounds, s.Steps, s.WarmupSteps));
        output.WriteLine(F("engine: libtorch {0}, {1} intra-op threads, allocator {2}; teacher: {3}", report.Engine.LibTorchVersion,
            report.Engine.IntraOpThreads, report.Engine.Allocator, report.TeacherNote));
        output.WriteLine(F("machine: {0} logical cores{1}; load average (1 min) {2} at start, {3} at end",
            m.LogicalCores, m.CpuModel is null ? "" : $" ({m.CpuModel})", Number(m.LoadAverageStart), Number(m.LoadAverageEnd)));
        output.WriteLine("CPU: " + report.Bf16Support);
        output.WriteLine();
        output.WriteLine(F("{0,-22}{1,9}{2,9}{3,10}{4,10}{5,9}{6,7}  {7,-12}{8}", "mode (ms, means)", "teacher", "student", "step", "img/s", "vs fp32", "folds", "max|dlogit|", "mask flips"));
        var reference = report.Modes.FirstOrDefault(r => r.Mode == ComputeMode.All[0].Name);
        foreach (var r in report.Modes)
        {
            var speed = reference is null ? "" : F("x{0:F2}", reference.Step.MeanMs / r.Step.MeanMs);
            var diff = r.Fidelity is null ? "reference" : F("{0:G3}", r.Fidelity.MaxAbsLogitDiff);
            var flips = r.Fidelity is null ? "" : F("{0}/{1} ({2:P1})", r.Fidelity.MaskFlips, r.Fidelity.MaskEntries, r.Fidelity.MaskFlipShare);
            output.WriteLine(F("{0,-22}{1,9:F1}{2,9:F1}{3,10:F1}{4,10:F1}{5,9}{6,7}  {7,-12}{8}", r.Mode, r.TeacherForward.MeanMs,
                r.StudentForwardBackward.MeanMs, r.Step.MeanMs, r.ImagesPerSecond, speed, r.FoldedPairs, diff, flips));
        }
        var first = report.Modes.Select(r => r.Fidelity).FirstOrDefault(f => f is not null);
        if (first is not null)
            output.WriteLine(F("fidelity: the mode's teacher against the plain fp32 teacher on the bench's views (largest |logit| {0:G3}); " +
                               "mask flips: CRLD confidence-mask entries (weak view at tau_w, strong at tau_s) that differ; {1} of {2} are on in the plain masks",
                first.MaxAbsPlainLogit, first.MaskOnPlain, first.MaskEntries) +
                (first.MaskOnPlain == 0 || first.MaskOnPlain == first.MaskEntries
                    ? " (all alike: with random weights the teacher's confidence sits far from the thresholds, so flips can hardly show)"
                    : ""));
        output.WriteLine("step = teacher forward + student forward/backward + optimizer step; timings pooled over every round (median and spread in the JSON)");
    }

    public static readonly JsonSerializerOptions Options = new(BenchReportJson.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the report as JSON (snake_case keys), atomically.</summary>
    public static void WriteJson(string path, ModeComparisonReport report)
    {
        var json = JsonSerializer.Serialize(report, Options);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(json);
            writer.WriteLine();
        });
    }

    private static string Number(double? value) => value is { } v ? v.ToString("F2", Inv) : "n/a";

    private static string F(string format, params object?[] args) => string.Format(Inv, format, args);
}
