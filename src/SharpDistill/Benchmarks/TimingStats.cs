namespace SharpDistill.Benchmarks;

/// <summary>The spread of one measured quantity over the timed repetitions, in milliseconds.</summary>
public sealed record TimingStats(int Count, double MeanMs, double MedianMs, double MinMs, double MaxMs, double StdDevMs)
{
    /// <summary>Statistics of <paramref name="samplesMs"/> (at least one sample).</summary>
    public static TimingStats Of(IReadOnlyList<double> samplesMs)
    {
        if (samplesMs.Count == 0) throw new ArgumentException("timing statistics need at least one sample");
        var sorted = samplesMs.OrderBy(x => x).ToArray();
        var n = sorted.Length;
        var mean = sorted.Average();
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        // Sample standard deviation; a single repetition has no spread.
        var std = n > 1 ? Math.Sqrt(sorted.Sum(x => (x - mean) * (x - mean)) / (n - 1)) : 0;
        return new TimingStats(n, mean, median, sorted[0], sorted[^1], std);
    }
}
