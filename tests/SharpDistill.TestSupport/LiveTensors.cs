using SharpDistill.Torch;

namespace SharpDistill.TestSupport;

/// <summary>Live-tensor counts that are not disturbed by finalizers of earlier tests' garbage.</summary>
public static class LiveTensors
{
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
