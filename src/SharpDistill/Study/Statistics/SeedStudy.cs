using System.Globalization;
using SharpDistill.Reports;

namespace SharpDistill.Study.Statistics;

/// <summary>
/// One method (or the baseline) over the seeds of a study. Last is the headline figure: the top-1 of the
/// final epoch, which no test-set choice touched; Best is the highest epoch, i.e. selected on the test set.
/// </summary>
public sealed record MethodOverSeeds(string Name, StudyRunRole Role, IReadOnlyList<StudyRun> Runs,
    IReadOnlyList<long> Seeds, IReadOnlyList<double> LastPerSeed, IReadOnlyList<double> BestPerSeed,
    SampleSummary Last, SampleSummary Best, PairedGain? Gain);

/// <summary>The runs of a study grouped per method over their seeds, with each method's paired gain over the baseline.</summary>
public sealed class SeedStudy
{
    public IReadOnlyList<MethodOverSeeds> Methods { get; }
    public MethodOverSeeds? Baseline { get; }
    public MethodOverSeeds? Teacher { get; }
    /// <summary>The seeds of the baseline (the student seeds of the study).</summary>
    public IReadOnlyList<long> Seeds { get; }

    private SeedStudy(IReadOnlyList<MethodOverSeeds> methods)
    {
        Methods = methods;
        Baseline = methods.FirstOrDefault(m => m.Role == StudyRunRole.Baseline);
        Teacher = methods.FirstOrDefault(m => m.Role == StudyRunRole.Teacher);
        Seeds = Baseline?.Seeds ?? methods.FirstOrDefault(m => m.Role == StudyRunRole.Method)?.Seeds ?? Array.Empty<long>();
    }

    public static SeedStudy From(IReadOnlyList<StudyRun> runs)
    {
        var groups = runs.GroupBy(r => (r.GroupName, r.Role)).ToList();
        var baselineRuns = groups.FirstOrDefault(g => g.Key.Role == StudyRunRole.Baseline)?.ToList();
        var baselineLast = baselineRuns?.ToDictionary(r => r.Seed ?? 0, Last);
        var methods = groups.Select(g =>
        {
            var ordered = g.OrderBy(r => r.Seed ?? 0).ToList();
            var seeds = ordered.Select(r => r.Seed ?? 0).ToList();
            var last = ordered.Select(Last).ToList();
            var best = ordered.Select(Best).ToList();
            PairedGain? gain = null;
            if (g.Key.Role == StudyRunRole.Method && baselineLast is not null)
            {
                var paired = ordered.Where(r => baselineLast.ContainsKey(r.Seed ?? 0)).ToList();
                gain = PairedGain.From(paired.Select(Last).ToList(), paired.Select(r => baselineLast[r.Seed ?? 0]).ToList());
            }
            return new MethodOverSeeds(g.Key.GroupName, g.Key.Role, ordered, seeds, last, best, SampleSummary.Of(last), SampleSummary.Of(best), gain);
        }).ToList();
        var ordered = methods.Where(m => m.Role == StudyRunRole.Teacher)
            .Concat(methods.Where(m => m.Role == StudyRunRole.Baseline))
            .Concat(methods.Where(m => m.Role == StudyRunRole.Method).OrderByDescending(m => double.IsFinite(m.Last.Mean) ? m.Last.Mean : double.NegativeInfinity))
            .ToList();
        return new SeedStudy(ordered);
    }

    /// <summary>
    /// The report's first sentence: names a winner only when its interval excludes zero; otherwise says the
    /// differences are within the noise and how many seeds the largest one would need, from the observed spread.
    /// </summary>
    public string Headline()
    {
        var students = Methods.Where(m => m.Role == StudyRunRole.Method && m.Gain is not null).ToList();
        if (Baseline is null || students.Count == 0) return "No distilled method has a baseline to compare with yet.";
        var n = Seeds.Count;
        if (students.All(m => m.Gain!.Verdict == GainVerdict.NoInterval))
            return $"{(n == 1 ? "One seed" : "Fewer than two paired seeds")} per method: there is no confidence interval, so no method can be called better or worse than the baseline; run the study with --seeds 3 or more to rank them.";
        var better = students.Where(m => m.Gain!.Verdict == GainVerdict.Better).OrderByDescending(m => m.Gain!.Mean).ToList();
        var worse = students.Where(m => m.Gain!.Verdict == GainVerdict.Worse).ToList();
        string sentence;
        if (better.Count > 0)
        {
            sentence = string.Join("; ", better.Select(m => $"{m.Name} beats the baseline by {Describe(m.Gain!)}")) + $" (last-epoch top-1, paired over {n} seeds)";
            // Each interval is against the baseline, not between the better methods, so they are not ranked among themselves.
            if (better.Count > 1) sentence += $"; {better[0].Name} has the largest mean gain, but these methods were not compared with each other";
        }
        else
        {
            sentence = $"No distilled method beats the baseline detectably over {n} seeds: the differences are within the seed noise";
            var largest = students.Where(m => m.Gain!.Verdict == GainVerdict.NoDetectableDifference).MaxBy(m => Math.Abs(m.Gain!.Mean));
            if (largest is not null)
                sentence += largest.Gain!.SeedsToResolve() is { } needed
                    ? $"; the largest, {largest.Name}'s {Signed(largest.Gain!.Mean)} points, would need about {needed} seeds to resolve at its observed spread"
                    : $"; the largest, {largest.Name}'s {Signed(largest.Gain!.Mean)} points, is too small against its spread to resolve with fewer than 1000 seeds";
        }
        if (worse.Count > 0) sentence += "; worse than the baseline: " + string.Join(", ", worse.Select(m => $"{m.Name} ({Describe(m.Gain!)})"));
        return sentence + ".";
    }

    /// <summary>"+1.20 points (95% CI +0.40 to +2.00)".</summary>
    public static string Describe(PairedGain gain) => double.IsFinite(gain.Low)
        ? $"{Signed(gain.Mean)} points (95% CI {Signed(gain.Low)} to {Signed(gain.High)})"
        : $"{Signed(gain.Mean)} points (no interval)";

    public static string Verdict(GainVerdict verdict) => verdict switch
    {
        GainVerdict.Better => "better",
        GainVerdict.Worse => "worse",
        GainVerdict.NoDetectableDifference => "no detectable difference",
        _ => "no interval (1 seed)",
    };

    public static string Signed(double v) => double.IsFinite(v) ? v.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "n/a";

    private static double Last(StudyRun run) => run.Metrics.Count == 0 ? double.NaN : run.Metrics[^1].TestTop1;

    private static double Best(StudyRun run)
    {
        var finite = run.Metrics.Select(m => m.TestTop1).Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Max();
    }
}
