using SharpDistill.Config;
using SharpDistill.Reports;
using SharpDistill.Study;
using SharpDistill.Study.Statistics;
using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Study;

/// <summary>
/// The study statistics against an independent source: the two-sided 95 % critical values of Student's t
/// as printed in the standard table (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2,
/// "Critical values of the Student's t distribution", column 0.975), and intervals worked out by hand.
/// </summary>
public class StatisticsTests
{
    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(2, 4.303)]
    [InlineData(3, 3.182)]
    [InlineData(4, 2.776)]
    [InlineData(5, 2.571)]
    [InlineData(9, 2.262)]
    [InlineData(29, 2.045)]
    public void TQuantilesMatchThePrintedTable(int degreesOfFreedom, double table)
    {
        Assert.Equal(table, StudentT.Quantile(0.975, degreesOfFreedom), 3);
    }

    [Fact]
    public void PairedIntervalMatchesAHandComputedOne()
    {
        // Differences 1, 2, 3: mean 2, sd 1, n 3 -> half-width 4.303 * 1 / sqrt(3) = 2.4843; CI [-0.484, 4.484].
        var gain = PairedGain.From(new[] { 81.0, 82.0, 83.0 }, new[] { 80.0, 80.0, 80.0 });
        Assert.Equal(2.0, gain.Mean, 12);
        Assert.Equal(1.0, gain.StandardDeviation, 12);
        Assert.Equal(-0.4843, gain.Low, 3);
        Assert.Equal(4.4843, gain.High, 3);
        Assert.Equal(GainVerdict.NoDetectableDifference, gain.Verdict);

        // Differences 0.5, 1.0, 1.5, 1.0, 1.0: mean 1, sd sqrt(0.125) = 0.35355, n 5 -> 2.776 * 0.35355 / sqrt(5) = 0.4390.
        var better = PairedGain.From(new[] { 80.5, 81.0, 81.5, 81.0, 81.0 }, new[] { 80.0, 80.0, 80.0, 80.0, 80.0 });
        Assert.Equal(0.5610, better.Low, 3);
        Assert.Equal(1.4390, better.High, 3);
        Assert.Equal(GainVerdict.Better, better.Verdict);

        var worse = PairedGain.From(new[] { 79.5, 79.0, 78.5, 79.0, 79.0 }, new[] { 80.0, 80.0, 80.0, 80.0, 80.0 });
        Assert.Equal(GainVerdict.Worse, worse.Verdict);
    }

    [Fact]
    public void OneSeedHasNoInterval()
    {
        var gain = PairedGain.From(new[] { 82.0 }, new[] { 80.0 });
        Assert.Equal(GainVerdict.NoInterval, gain.Verdict);
        Assert.True(double.IsNaN(gain.Low));
        Assert.Null(gain.SeedsToResolve());
    }

    [Fact]
    public void SeedsToResolveIsTheFirstNWhoseIntervalExcludesZero()
    {
        // mean 2, sd 1: n=3 gives 2.484 (> 2), n=4 gives 3.182/2 = 1.591 (< 2).
        var gain = PairedGain.From(new[] { 81.0, 82.0, 83.0 }, new[] { 80.0, 80.0, 80.0 });
        Assert.Equal(4, gain.SeedsToResolve());
    }

    [Fact]
    public void SampleSummaryUsesTheNMinusOneDeviation()
    {
        var s = SampleSummary.Of(new[] { 2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0 });
        Assert.Equal(5.0, s.Mean, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.StandardDeviation, 12);
        Assert.Equal(2.0, s.Min);
        Assert.Equal(9.0, s.Max);
    }

    [Fact]
    public void HeadlineNamesAWinnerOnlyWhenItsIntervalExcludesZero()
    {
        var noisy = SeedStudy.From(Runs(("KD", new[] { 81.0, 79.0, 82.5 })));
        Assert.StartsWith("No distilled method beats the baseline detectably over 3 seeds", noisy.Headline());
        Assert.Contains("seeds to resolve", noisy.Headline());
        var clear = SeedStudy.From(Runs(("KD", new[] { 81.0, 81.1, 80.9 })));
        Assert.StartsWith("KD beats the baseline by +1.00 points (95% CI", clear.Headline());
        var single = SeedStudy.From(Runs(("KD", new[] { 85.0 })));
        Assert.StartsWith("One seed per method: there is no confidence interval", single.Headline());
    }

    [Fact]
    public void BadSeedsAreReadableErrors()
    {
        Assert.Contains("at least 1", Assert.Throws<ConfigException>(() => StudySeeds.Parse("0")).Message);
        Assert.Contains("at least 1", Assert.Throws<ConfigException>(() => StudySeeds.Parse("-2")).Message);
        Assert.Contains("seed 1 is listed twice", Assert.Throws<ConfigException>(() => StudySeeds.Parse("0,1,1")).Message);
        Assert.Contains("not a whole number", Assert.Throws<ConfigException>(() => StudySeeds.Parse("three")).Message);
        Assert.Equal(new long[] { 0, 1, 2 }, StudySeeds.Parse("3"));
        Assert.Equal(new long[] { 4, 7 }, StudySeeds.Parse("4,7"));
    }

    /// <summary>A baseline at 80.0 on every seed and each method's last-epoch top-1 per seed (seeds 0, 1, …).</summary>
    private static List<StudyRun> Runs(params (string Method, double[] Last)[] methods)
    {
        var seeds = methods[0].Last.Length;
        var runs = Enumerable.Range(0, seeds).Select(s => Run("Baseline", StudyRunRole.Baseline, s, 80.0)).ToList();
        foreach (var (method, last) in methods)
            runs.AddRange(last.Select((v, s) => Run(method, StudyRunRole.Method, s, v)));
        return runs;
    }

    private static StudyRun Run(string group, StudyRunRole role, long seed, double last) => new()
    {
        Name = $"{group} s{seed}", Group = group, Role = role, Seed = seed,
        Metrics = new[] { new EpochMetrics
        {
            Epoch = 1, Lr = 0.1, TrainLoss = 1, TrainTerms = new Dictionary<string, double>(), TrainTop1 = 50, TrainTop5 = 90,
            TestTop1 = last, TestTop5 = 99, TestLoss = 0.5, BestTop1 = last, EpochSeconds = 1, ImagesPerSecond = 100,
        } },
    };
}
