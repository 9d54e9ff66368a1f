using System.Globalization;
using System.Text;
using SharpDistill.Reports;
using SharpDistill.Study.Statistics;

namespace SharpDistill.Study;

/// <summary>
/// The console table of a study, one row per method over its seeds: last-epoch test top-1 as mean ± std with
/// the per-seed values, the best epoch beside it (selected on the test set), the paired gain over the baseline
/// with its 95 % interval and the verdict; then the headline.
/// </summary>
public static class StudyTable
{
    public static string Format(IReadOnlyList<StudyRun> runs)
    {
        var study = SeedStudy.From(runs);
        var rows = new List<string[]>
        {
            new[] { "method", "model", "seeds", "last top-1 mean±std", "per seed", "best epoch*", "gain (95% CI)", "verdict", "time" },
        };
        foreach (var method in study.Methods)
        {
            var first = method.Runs[0];
            var seconds = method.Runs.Sum(r => r.WallTime?.TotalSeconds ?? r.Metrics.Sum(m => m.EpochSeconds));
            rows.Add(new[]
            {
                method.Name,
                method.Role == StudyRunRole.Method ? $"{first.Model} <- {first.TeacherModel}" : first.Model,
                method.Role == StudyRunRole.Teacher ? "-" : method.Runs.Count.ToString(CultureInfo.InvariantCulture),
                MeanStd(method.Last),
                string.Join(" ", method.LastPerSeed.Select(Percent)),
                MeanStd(method.Best),
                method.Gain is { } gain ? SeedStudy.Describe(gain).Replace(" points", "").Replace("95% CI ", "") : "",
                method.Gain is { } g ? SeedStudy.Verdict(g.Verdict) : "",
                seconds > 0 ? Duration(seconds) : "",
            });
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c is 0 or 1 or 7 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        text.AppendLine("* best epoch: the highest epoch's top-1, selected on the test set (optimistic); the gain and verdict use the last epoch.");
        text.AppendLine();
        text.AppendLine(study.Headline());
        return text.ToString();
    }

    private static string MeanStd(SampleSummary s) => s.Count == 0 ? "n/a"
        : s.Count == 1 ? Percent(s.Mean)
        : $"{Percent(s.Mean)} ± {s.StandardDeviation.ToString("0.00", CultureInfo.InvariantCulture)}";

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Duration(double seconds) => seconds >= 60
        ? $"{(int)(seconds / 60)} min {(int)(seconds % 60):00} s"
        : seconds.ToString("0.0 s", CultureInfo.InvariantCulture);
}
