using System.Globalization;
using System.Text;
using SharpDistill.Reports;

namespace SharpDistill.Study;

/// <summary>The console table of a study: method, test top-1 (best and last epoch), gain over the baseline, time.</summary>
public static class StudyTable
{
    public static string Format(IReadOnlyList<StudyRun> runs)
    {
        var baseline = runs.FirstOrDefault(r => r.Role == StudyRunRole.Baseline);
        var baselineBest = baseline == null ? double.NaN : Best(baseline);
        var rows = new List<string[]> { new[] { "method", "model", "test top-1", "last", "gain", "epochs", "time" } };
        foreach (var run in runs)
        {
            var best = Best(run);
            var last = run.Metrics.Count == 0 ? double.NaN : run.Metrics[^1].TestTop1;
            var gain = run.Role == StudyRunRole.Method && double.IsFinite(best) && double.IsFinite(baselineBest) ? best - baselineBest : double.NaN;
            var seconds = run.WallTime?.TotalSeconds ?? run.Metrics.Sum(m => m.EpochSeconds);
            rows.Add(new[]
            {
                run.Name,
                run.Role == StudyRunRole.Method ? $"{run.Model} <- {run.TeacherModel}" : run.Model,
                Percent(best), Percent(last),
                double.IsNaN(gain) ? "" : gain.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
                run.Metrics.Count.ToString(CultureInfo.InvariantCulture),
                run.Metrics.Count == 0 ? "" : Duration(seconds),
            });
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c is 0 or 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        return text.ToString();
    }

    private static double Best(StudyRun run)
    {
        var finite = run.Metrics.Select(m => m.TestTop1).Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Max();
    }

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Duration(double seconds) => seconds >= 60
        ? $"{(int)(seconds / 60)} min {(int)(seconds % 60):00} s"
        : seconds.ToString("0.0 s", CultureInfo.InvariantCulture);
}
