using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace SharpDistill.Training.Logging;

/// <summary>
/// The per-epoch metrics of a run: metrics.jsonl (one JSON object per epoch, appended and flushed,
/// the machine-readable record that resume and reports read back) and metrics.csv (the same rows
/// for spreadsheets, rewritten from the JSON lines so its columns always cover every loss term).
/// </summary>
public sealed class MetricsLog
{
    private readonly string jsonPath;
    private readonly string csvPath;

    public MetricsLog(string runDirectory)
    {
        jsonPath = Path.Combine(runDirectory, "metrics.jsonl");
        csvPath = Path.Combine(runDirectory, "metrics.csv");
    }

    public void Append(EpochMetrics metrics)
    {
        File.AppendAllText(jsonPath, JsonSerializer.Serialize(metrics) + "\n");
        WriteCsv(ReadAll());
    }

    /// <summary>Keeps only epochs up to <paramref name="lastEpoch"/> (used when resuming from a checkpoint).</summary>
    public void TruncateAfter(int lastEpoch)
    {
        var kept = ReadAll().Where(m => m.Epoch <= lastEpoch).ToList();
        File.WriteAllLines(jsonPath, kept.Select(m => JsonSerializer.Serialize(m)));
        WriteCsv(kept);
    }

    public IReadOnlyList<EpochMetrics> ReadAll() => Read(jsonPath);

    public static IReadOnlyList<EpochMetrics> Read(string jsonLinesPath) =>
        !File.Exists(jsonLinesPath)
            ? Array.Empty<EpochMetrics>()
            : File.ReadLines(jsonLinesPath).Where(l => l.Length > 0)
                .Select((line, i) => JsonSerializer.Deserialize<EpochMetrics>(line)
                    ?? throw new InvalidDataException($"{jsonLinesPath}: line {i + 1} is empty JSON"))
                .ToList();

    private void WriteCsv(IReadOnlyList<EpochMetrics> rows)
    {
        var terms = rows.SelectMany(r => r.TrainTerms.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
        var temporary = csvPath + ".tmp";
        using (var writer = new StreamWriter(temporary))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions(), leaveOpen: false))
        {
            string[] fixedColumns = { "epoch", "lr", "train_loss", "train_top1", "train_top5", "test_top1", "test_top5", "test_loss",
                "best_top1", "epoch_seconds", "images_per_second" };
            csv.WriteRecord(fixedColumns.Concat(terms).ToArray());
            foreach (var r in rows)
            {
                var values = new double[] { r.Epoch, r.Lr, r.TrainLoss, r.TrainTop1, r.TrainTop5, r.TestTop1, r.TestTop5, r.TestLoss,
                        r.BestTop1, r.EpochSeconds, r.ImagesPerSecond }
                    .Select(v => v.ToString("R", CultureInfo.InvariantCulture))
                    .Concat(terms.Select(term => r.TrainTerms.TryGetValue(term, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""));
                csv.WriteRecord(values.ToArray());
            }
        }
        File.Move(temporary, csvPath, overwrite: true);
    }
}
