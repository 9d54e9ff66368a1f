using System.Text;

namespace SharpDistill.Reports;

/// <summary>The figures of one run as every part of the report shows them.</summary>
/// <param name="Best">Highest finite test top-1 over the epochs; NaN without data.</param>
/// <param name="Last">Test top-1 of the last epoch (NaN when that epoch diverged or there is no data).</param>
/// <param name="Epochs">Number of the last epoch logged; 0 without data.</param>
/// <param name="GainBest">Points over the baseline's best; NaN without a baseline or data (and for the baseline itself).</param>
/// <param name="GainLast">Points over the baseline's last epoch, likewise.</param>
/// <param name="Colour">The run's colour in every chart.</param>
/// <param name="FileStem">File-name-safe form of the name, unique within the study ("loss_{stem}.svg").</param>
internal sealed record RunResult(
    StudyRun Run, double Best, int BestEpoch, double Last, int Epochs, TimeSpan? Time,
    double GainBest, double GainLast, string Colour, string FileStem)
{
    public string Name => Run.Name;
    public bool HasData => Run.Metrics.Count > 0;
    public bool IsBaseline { get; init; }
}

/// <summary>
/// The runs of a study checked and turned into table rows: teacher first, then the baseline, then the
/// distilled students from best to worst (runs without data last), so the table reads as a ranking.
/// </summary>
internal sealed class StudyResults
{
    public const string TeacherColour = "#1f2328";
    public const string BaselineColour = "#8c959f";

    public IReadOnlyList<RunResult> Rows { get; }
    public RunResult? Baseline { get; }
    public RunResult? Teacher { get; }
    /// <summary>The distilled run with the highest best top-1; null when no distilled run has data.</summary>
    public RunResult? BestMethod { get; }
    /// <summary>The runs grouped per method over their seeds; null when no run records its seed (a report of single runs).</summary>
    public SharpDistill.Study.Statistics.SeedStudy? Seeds { get; private init; }

    private StudyResults(IReadOnlyList<RunResult> rows, bool rankSingleRuns = true)
    {
        Rows = rows;
        Baseline = rows.FirstOrDefault(r => r.IsBaseline);
        Teacher = rows.FirstOrDefault(r => r.Run.Role == StudyRunRole.Teacher);
        // Over seeds no single run is "the best method": that is the statistics' call (see SeedStudy.Headline).
        if (rankSingleRuns) BestMethod = rows.Where(r => r.Run.Role == StudyRunRole.Method && double.IsFinite(r.Best)).MaxBy(r => r.Best);
    }

    public static StudyResults From(StudyReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Runs is null || input.Runs.Count == 0)
            throw new ArgumentException("a study report needs at least one run (StudyReportInput.Runs is empty)", nameof(input));
        foreach (var run in input.Runs)
            if (string.IsNullOrWhiteSpace(run.Name))
                throw new ArgumentException($"a run of the study has no name (run directory '{run.RunDirectory}')", nameof(input));
        var duplicates = input.Runs.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new ArgumentException($"run names must be unique in a study; repeated: {string.Join(", ", duplicates)}", nameof(input));

        var baseline = FindBaseline(input);
        var stems = FileStems(input.Runs);
        var methodIndex = 0;
        var summaries = input.Runs.Select(run =>
        {
            var colour = run == baseline ? BaselineColour
                : run.Role == StudyRunRole.Teacher ? TeacherColour
                : SvgLineChart.Palette[methodIndex++ % 6]; // the palette's first six read well on white
            return (run, colour);
        }).ToList();

        var baselineFigures = baseline is null ? (Best: double.NaN, Last: double.NaN) : Figures(baseline);
        var rows = summaries.Select(s =>
        {
            var (best, bestEpoch, last, epochs) = Extract(s.run);
            var isBaseline = s.run == baseline;
            return new RunResult(s.run, best, bestEpoch, last, epochs, Time(s.run),
                isBaseline ? double.NaN : best - baselineFigures.Best,
                isBaseline ? double.NaN : last - baselineFigures.Last,
                s.colour, stems[s.run]) { IsBaseline = isBaseline };
        }).ToList();

        var ordered = rows.Where(r => r.Run.Role == StudyRunRole.Teacher && !r.IsBaseline)
            .Concat(rows.Where(r => r.IsBaseline))
            .Concat(rows.Where(r => r.Run.Role != StudyRunRole.Teacher && !r.IsBaseline)
                .OrderByDescending(r => double.IsFinite(r.Best) ? r.Best : double.NegativeInfinity))
            .ToList();
        var seeds = input.Runs.Any(r => r.Seed is not null) ? SharpDistill.Study.Statistics.SeedStudy.From(input.Runs) : null;
        return new StudyResults(ordered, rankSingleRuns: seeds is null) { Seeds = seeds };
    }

    private static StudyRun? FindBaseline(StudyReportInput input)
    {
        if (input.BaselineName is { } name)
            return input.Runs.FirstOrDefault(r => r.Name == name)
                ?? throw new ArgumentException(
                    $"baseline '{name}' is not a run of the study; runs: {string.Join(", ", input.Runs.Select(r => r.Name))}", nameof(input));
        var baselines = input.Runs.Where(r => r.Role == StudyRunRole.Baseline).ToList();
        if (baselines.Count > 1)
            throw new ArgumentException(
                $"several runs have the role Baseline ({string.Join(", ", baselines.Select(r => r.Name))}): set BaselineName to the one gains are measured against",
                nameof(input));
        return baselines.SingleOrDefault();
    }

    private static (double Best, double Last) Figures(StudyRun run)
    {
        var (best, _, last, _) = Extract(run);
        return (best, last);
    }

    private static (double Best, int BestEpoch, double Last, int Epochs) Extract(StudyRun run)
    {
        if (run.Metrics.Count == 0) return (double.NaN, 0, double.NaN, 0);
        var finite = run.Metrics.Where(m => double.IsFinite(m.TestTop1)).ToList();
        var best = finite.MaxBy(m => m.TestTop1);
        return (best?.TestTop1 ?? double.NaN, best?.Epoch ?? 0, run.Metrics[^1].TestTop1, run.Metrics[^1].Epoch);
    }

    private static TimeSpan? Time(StudyRun run)
    {
        if (run.WallTime is { } wall) return wall;
        if (run.Metrics.Count == 0) return null;
        return TimeSpan.FromSeconds(run.Metrics.Select(m => m.EpochSeconds).Where(double.IsFinite).Sum());
    }

    /// <summary>"CRLD" → "crld", "KD (T=4)" → "kd-t-4"; a clash gets "-2", "-3", … so no chart overwrites another.</summary>
    private static Dictionary<StudyRun, string> FileStems(IReadOnlyList<StudyRun> runs)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var stems = new Dictionary<StudyRun, string>(ReferenceEqualityComparer.Instance);
        foreach (var run in runs)
        {
            var stem = Slug(run.Name);
            var candidate = stem;
            for (var k = 2; !used.Add(candidate); k++) candidate = $"{stem}-{k}";
            stems[run] = candidate;
        }
        return stems;
    }

    internal static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "run" : slug;
    }
}
