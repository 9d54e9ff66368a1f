namespace SharpDistill.Reports;

/// <summary>Everything a study report shows: the runs, which one is the baseline, where it ran, and notes.</summary>
public sealed record StudyReportInput
{
    public required string Title { get; init; }
    public string Dataset { get; init; } = "";
    public required IReadOnlyList<StudyRun> Runs { get; init; }
    /// <summary>The run gains are measured against; null means the one run whose role is Baseline (if exactly one).</summary>
    public string? BaselineName { get; init; }
    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.Now;
    public StudyEnvironment? Environment { get; init; }
    /// <summary>Free-text paragraphs shown at the end (plain text: escaped, never interpreted as HTML).</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}
