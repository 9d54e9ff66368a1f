namespace SharpDistill.Training;

/// <summary>
/// Which epoch is the run's best. Tie rule, as mdistiller: an epoch whose test top-1 equals the best
/// so far becomes the best epoch (the later of equal epochs wins), and best.safetensors is rewritten
/// with it, so the file and the reported best epoch always agree.
/// </summary>
public readonly record struct BestEpoch(double Top1, int Epoch)
{
    /// <summary>No epoch evaluated yet.</summary>
    public static BestEpoch None => new(0, 0);

    /// <summary>The best after an epoch scoring <paramref name="top1"/>, and whether that epoch is it.</summary>
    public (BestEpoch Best, bool IsNewBest) After(int epoch, double top1) =>
        Epoch == 0 || top1 >= Top1 ? (new BestEpoch(top1, epoch), true) : (this, false);
}
