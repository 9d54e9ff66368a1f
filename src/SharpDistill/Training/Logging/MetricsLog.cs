using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;

namespace SharpDistill.Training.Logging;

/// <summary>
/// The per-epoch metrics of a run: metrics.jsonl (one JSON object per epoch, appended and flushed,
/// the machine-readable record that resume and reports read back) and metrics.csv (the same rows
/// for spreadsheets, rewritten from the JSON lines so its columns always cover every loss term).
/// </summary>
public sealed class MetricsLog
{
    // NaN and infinities (a diverging loss term) are written as "NaN"/"Infinity" instead of failing.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly string jsonPath;
    private readonly string csvPath;

    public MetricsLog(string runDirectory)
    {
        jsonPath = Path.Combine(runDirectory, "metrics.jsonl");
        csvPath = Path.Combine(runDirectory, "metrics.csv");
    }

    /// <summary>False on the ranks of a data-parallel job other than 0: they write nothing.</summary>
    public bool Enabled { get; init; } = true;

    public void Append(EpochMetrics metrics)
    {
        if (!Enabled) return;
        File.AppendAllText(jsonPath, JsonSerializer.Serialize(metrics, Json) + "\n");
        WriteCsv(ReadAll());
    }

    /// <summary>
    /// Keeps only epochs up to <paramref name="lastEpoch"/> (used when resuming from a checkpoint).
    /// A last line cut short by a kill during its write is dropped; the returned note says so (null otherwise).
    /// </summary>
    public string? TruncateAfter(int lastEpoch)
    {
        if (!Enabled) return null;
        var (rows, torn) = ReadTolerant(jsonPath);
        var kept = rows.Where(m => m.Epoch <= lastEpoch).ToList();
        File.WriteAllLines(jsonPath, kept.Select(m => JsonSerializer.Serialize(m, Json)));
        WriteCsv(kept);
        return torn == null ? null : $"{jsonPath}: dropped an incomplete last line (a run killed while writing it): {torn}";
    }

    public IReadOnlyList<EpochMetrics> ReadAll() => Read(jsonPath);

    /// <summary>The rows of a metrics.jsonl; an incomplete last line (a killed write) is skipped.</summary>
    public static IReadOnlyList<EpochMetrics> Read(string jsonLinesPath) => ReadTolerant(jsonLinesPath).Rows;

    private static (List<EpochMetrics> Rows, string? TornLine) ReadTolerant(string path)
    {
        var rows = new List<EpochMetrics>();
        if (!File.Exists(path)) return (rows, null);
        var lines = File.ReadAllLines(path).Select((text, i) => (text, number: i + 1)).Where(l => l.text.Length > 0).ToList();
        foreach (var (text, number) in lines)
        {
            try
            {
                rows.Add(JsonSerializer.Deserialize<EpochMetrics>(text, Json) ?? throw new JsonException("null row"));
            }
            catch (JsonException e)
            {
                var isLast = number == lines[^1].number;
                if (isLast) return (rows, text.Length > 80 ? text[..77] + "..." : text);
                throw new InvalidDataException($"{path}: line {number} is not a metrics row ({e.Message})", e);
            }
        }
        return (rows, null);
    }

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
