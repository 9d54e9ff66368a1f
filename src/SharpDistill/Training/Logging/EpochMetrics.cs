namespace SharpDistill.Training.Logging;

/// <summary>What one epoch produced: the numbers every log, plot and report is made from.</summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }
    public required double Lr { get; init; }
    /// <summary>Mean of the total training loss over the epoch's samples.</summary>
    public required double TrainLoss { get; init; }
    /// <summary>Sample-weighted mean of each named loss term (e.g. loss_ce, loss_kd_wv).</summary>
    public required IReadOnlyDictionary<string, double> TrainTerms { get; init; }
    public required double TrainTop1 { get; init; }
    public required double TrainTop5 { get; init; }
    public required double TestTop1 { get; init; }
    public required double TestTop5 { get; init; }
    public required double TestLoss { get; init; }
    public required double BestTop1 { get; init; }
    public required double EpochSeconds { get; init; }
    public required double ImagesPerSecond { get; init; }
}
