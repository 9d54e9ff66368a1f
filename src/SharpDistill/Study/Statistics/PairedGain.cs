namespace SharpDistill.Study.Statistics;

/// <summary>What a paired comparison lets one say about a method against the baseline.</summary>
public enum GainVerdict
{
    /// <summary>Fewer than two paired seeds: there is no interval, so nothing can be concluded.</summary>
    NoInterval,
    /// <summary>The whole 95 % interval of the gain lies above zero.</summary>
    Better,
    /// <summary>The interval contains zero: the difference is within the seed noise.</summary>
    NoDetectableDifference,
    /// <summary>The whole interval lies below zero.</summary>
    Worse,
}

/// <summary>
/// The gain of a method over the baseline from seeds run in pairs (same seed: same student
/// initialisation and data order): the mean of the per-seed differences and its two-sided
/// confidence interval, mean ± t(1 − α/2, n − 1) · sd / √n.
/// </summary>
public sealed record PairedGain(IReadOnlyList<double> Differences, double Mean, double StandardDeviation, double Low, double High, double Confidence)
{
    public int Seeds => Differences.Count;

    public GainVerdict Verdict =>
        Seeds < 2 || !double.IsFinite(Low) ? GainVerdict.NoInterval
        : Low > 0 ? GainVerdict.Better
        : High < 0 ? GainVerdict.Worse
        : GainVerdict.NoDetectableDifference;

    /// <summary>Per-seed differences method − baseline over the seeds both have (non-finite pairs are left out).</summary>
    public static PairedGain From(IReadOnlyList<double> method, IReadOnlyList<double> baseline, double confidence = 0.95)
    {
        if (method.Count != baseline.Count)
            throw new ArgumentException($"paired values need one baseline value per method value ({method.Count} vs {baseline.Count})");
        var differences = method.Zip(baseline, (m, b) => m - b).Where(double.IsFinite).ToList();
        var summary = SampleSummary.Of(differences);
        if (differences.Count < 2) return new PairedGain(differences, summary.Mean, double.NaN, double.NaN, double.NaN, confidence);
        var half = HalfWidth(summary.StandardDeviation, differences.Count, confidence);
        return new PairedGain(differences, summary.Mean, summary.StandardDeviation, summary.Mean - half, summary.Mean + half, confidence);
    }

    /// <summary>t(1 − α/2, n − 1) · sd / √n.</summary>
    public static double HalfWidth(double standardDeviation, int n, double confidence = 0.95) =>
        StudentT.Quantile(1 - (1 - confidence) / 2, n - 1) * standardDeviation / Math.Sqrt(n);

    /// <summary>
    /// The smallest number of seeds n at which a difference of this mean with this spread would have
    /// an interval excluding zero (t(1 − α/2, n − 1) · sd / √n &lt; |mean|), assuming both stay as observed;
    /// null when there is no spread to go by, no difference at all, or more than <paramref name="limit"/> seeds would be needed.
    /// </summary>
    public int? SeedsToResolve(int limit = 1000)
    {
        if (Seeds < 2 || !double.IsFinite(StandardDeviation) || !double.IsFinite(Mean) || Mean == 0) return null;
        if (StandardDeviation == 0) return Seeds;
        for (var n = 2; n <= limit; n++)
            if (HalfWidth(StandardDeviation, n, Confidence) < Math.Abs(Mean)) return n;
        return null;
    }
}
