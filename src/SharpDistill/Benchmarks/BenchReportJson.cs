using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Benchmarks;

/// <summary>Reads and writes <see cref="BenchReport"/> as indented JSON with snake_case keys and enum names.</summary>
public static class BenchReportJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // The file is read by people and tools, not embedded in HTML: keep '+' and the like readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A report missing a field, or with null where a value belongs, is rejected, not half-read.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        // A speed-up of a zero-time phase is infinite; JSON has no such number, so write it by name.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Parses a report; throws <see cref="InvalidDataException"/> naming the problem for anything else.</summary>
    public static BenchReport Deserialize(string json, string source = "bench report")
    {
        BenchReport? report;
        try { report = JsonSerializer.Deserialize<BenchReport>(json, Options); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a bench report: {e.Message}", e);
        }
        if (report is null) throw new InvalidDataException($"{source}: the JSON is null, not a bench report");
        if (report.SchemaVersion != BenchReport.CurrentSchemaVersion)
            throw new InvalidDataException(
                $"{source}: schema version {report.SchemaVersion}, but this build reads version {BenchReport.CurrentSchemaVersion}");
        return report;
    }

    /// <summary>Writes the report to <paramref name="path"/> atomically (a reader never sees half a file).</summary>
    public static void Write(string path, BenchReport report)
    {
        var json = Serialize(report);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(json);
            writer.WriteLine();
        });
    }

    public static BenchReport Read(string path) => Deserialize(File.ReadAllText(path), path);
}
