using SharpDistill.Training.Checkpoints;

namespace SharpDistill.Training;

/// <summary>Sample-weighted running means of an epoch's loss terms and train accuracy.</summary>
public sealed class EpochAccumulator
{
    private readonly Dictionary<string, double> termSums = new();

    public long Samples { get; private set; }
    public long Top1 { get; private set; }
    public long Top5 { get; private set; }
    public double LossSum { get; private set; }
    public double Seconds { get; set; }

    public void Add(int batchSize, double totalLoss, IEnumerable<KeyValuePair<string, double>> terms, long top1, long top5)
    {
        Samples += batchSize;
        LossSum += totalLoss * batchSize;
        foreach (var (name, value) in terms)
            termSums[name] = termSums.GetValueOrDefault(name) + value * batchSize;
        Top1 += top1;
        Top5 += top5;
    }

    public double MeanLoss => Samples == 0 ? double.NaN : LossSum / Samples;
    public double Top1Percent => Samples == 0 ? 0 : 100.0 * Top1 / Samples;
    public double Top5Percent => Samples == 0 ? 0 : 100.0 * Top5 / Samples;

    public IReadOnlyDictionary<string, double> MeanTerms() =>
        termSums.ToDictionary(t => t.Key, t => Samples == 0 ? double.NaN : t.Value / Samples);

    public EpochAccumulatorState ToState() => new()
    {
        Samples = Samples, Top1 = Top1, Top5 = Top5, LossSum = LossSum, TermSums = new Dictionary<string, double>(termSums), Seconds = Seconds,
    };

    public static EpochAccumulator FromState(EpochAccumulatorState? state)
    {
        var accumulator = new EpochAccumulator();
        if (state == null) return accumulator;
        accumulator.Samples = state.Samples;
        accumulator.Top1 = state.Top1;
        accumulator.Top5 = state.Top5;
        accumulator.LossSum = state.LossSum;
        accumulator.Seconds = state.Seconds;
        foreach (var (k, v) in state.TermSums) accumulator.termSums[k] = v;
        return accumulator;
    }
}
