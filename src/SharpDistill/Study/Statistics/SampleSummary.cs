namespace SharpDistill.Study.Statistics;

/// <summary>Mean, sample standard deviation (n − 1), minimum and maximum of a few values (one per seed).</summary>
public sealed record SampleSummary(int Count, double Mean, double StandardDeviation, double Min, double Max)
{
    /// <summary>The summary of the finite values; Count 0 and NaN figures when there are none; the deviation is NaN below two values.</summary>
    public static SampleSummary Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return new SampleSummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        var mean = finite.Average();
        var sd = finite.Count < 2 ? double.NaN : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Count - 1));
        return new SampleSummary(finite.Count, mean, sd, finite.Min(), finite.Max());
    }
}
