using System.Globalization;

namespace SharpDistill.Training.Logging;

/// <summary>
/// The human-readable log of a run (worklog.txt), in the layout of the CRLD/mdistiller trainer so
/// logs can be compared side by side: a block of "name: value" lines per epoch, and best_acc at the end.
/// Free-form lines (start, resume, warnings) are timestamped.
/// </summary>
public sealed class WorkLog
{
    private readonly string path;

    public WorkLog(string runDirectory) => path = Path.Combine(runDirectory, "worklog.txt");

    /// <summary>False on the ranks of a data-parallel job other than 0: they write nothing.</summary>
    public bool Enabled { get; init; } = true;

    public void Note(string message)
    {
        if (Enabled) File.AppendAllText(path, $"[{DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}] {message}\n");
    }

    public void Epoch(EpochMetrics m)
    {
        if (!Enabled) return;
        var dashes = new string('-', 25);
        var lines = new List<string>
        {
            dashes,
            $"epoch: {m.Epoch}",
            $"lr: {m.Lr.ToString("0.######", CultureInfo.InvariantCulture)}",
            $"train_acc: {F(m.TrainTop1)}",
            $"train_loss: {F(m.TrainLoss)}",
        };
        lines.AddRange(m.TrainTerms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}: {t.Value.ToString("0.####", CultureInfo.InvariantCulture)}"));
        lines.Add($"test_acc: {F(m.TestTop1)}");
        lines.Add($"test_acc_top5: {F(m.TestTop5)}");
        lines.Add($"test_loss: {F(m.TestLoss)}");
        lines.Add(dashes);
        File.AppendAllLines(path, lines);
    }

    public void Finish(double bestTop1, double lastTop1)
    {
        if (Enabled) File.AppendAllText(path, $"best_acc\t{F(bestTop1)}\nlast_acc\t{F(lastTop1)}\n");
    }

    private static string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
}
