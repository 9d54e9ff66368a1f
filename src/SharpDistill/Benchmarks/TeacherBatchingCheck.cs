using System.Diagnostics;
using SharpDistill.Models;
using SharpDistill.Torch;

namespace SharpDistill.Benchmarks;

/// <summary>
/// Whether one batched teacher call over all views may replace the separate per-view calls on
/// this build, and what it saves.
/// </summary>
/// <param name="Identical">True when the batched logits equal the separate calls' bit for bit.</param>
/// <param name="MaxAbsDiff">Largest |batched − separate| over every logit of every view.</param>
/// <param name="RepeatMaxAbsDiff">Largest difference between two identical separate calls: the teacher's own run-to-run noise (0 on a deterministic build).</param>
/// <param name="Separate">Time of the per-view calls of one step.</param>
/// <param name="Batched">Time of the one batched call of one step (concatenation and split included).</param>
/// <param name="Speedup">Mean separate time / mean batched time.</param>
public sealed record TeacherBatchingResult(
    bool Identical, double MaxAbsDiff, double RepeatMaxAbsDiff, TimingStats Separate, TimingStats Batched, double Speedup);

/// <summary>Compares <see cref="TeacherForwardMode.Batched"/> with <see cref="TeacherForwardMode.Separate"/> on the bench's views.</summary>
public static class TeacherBatchingCheck
{
    /// <param name="repetitions">Timed repetitions of each variant, alternated so that both see the same machine load.</param>
    /// <param name="warmup">Untimed repetitions of each variant first (the equality check before them already ran each variant at least once).</param>
    public static TeacherBatchingResult Run(ZooModel teacher, IReadOnlyList<Tensor> views, int repetitions, int warmup = 0)
    {
        if (views.Count < 2) throw new ArgumentException("batching the teacher only applies to methods with two or more views");
        if (repetitions < 1) throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "needs at least one repetition");

        bool identical;
        double maxDiff, repeatDiff;
        using (new TensorScope())
        {
            var separate = TeacherForward.Run(teacher, views, TeacherForwardMode.Separate);
            var again = TeacherForward.Run(teacher, views, TeacherForwardMode.Separate);
            var batched = TeacherForward.Run(teacher, views, TeacherForwardMode.Batched);
            identical = true;
            maxDiff = repeatDiff = 0;
            for (var v = 0; v < views.Count; v++)
            {
                identical &= batched[v].Logits.Equal(separate[v].Logits);
                maxDiff = Math.Max(maxDiff, MaxAbsDiff(batched[v].Logits, separate[v].Logits));
                repeatDiff = Math.Max(repeatDiff, MaxAbsDiff(again[v].Logits, separate[v].Logits));
            }
        }

        var separateMs = new List<double>();
        var batchedMs = new List<double>();
        for (var i = 0; i < warmup + repetitions; i++)
        {
            var s = Time(teacher, views, TeacherForwardMode.Separate);
            var b = Time(teacher, views, TeacherForwardMode.Batched);
            if (i < warmup) continue;
            separateMs.Add(s);
            batchedMs.Add(b);
        }
        var separateStats = TimingStats.Of(separateMs);
        var batchedStats = TimingStats.Of(batchedMs);
        return new TeacherBatchingResult(identical, maxDiff, repeatDiff, separateStats, batchedStats, separateStats.MeanMs / batchedStats.MeanMs);
    }

    private static double Time(ZooModel teacher, IReadOnlyList<Tensor> views, TeacherForwardMode mode)
    {
        using var scope = new TensorScope();
        var start = Stopwatch.GetTimestamp();
        var outputs = TeacherForward.Run(teacher, views, mode);
        DeviceSync.Wait(outputs[^1].Logits);
        return (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
    }

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = new TensorScope();
        return a.Sub(b).Abs().Max().ToDouble();
    }
}
