namespace SharpDistill.Torch.Tests;

/// <summary>Live-tensor counts that are not disturbed by finalizers of earlier tests' garbage.</summary>
internal static class LeakCheck
{
    public static long SettledLiveCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
