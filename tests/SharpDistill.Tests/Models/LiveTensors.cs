using SharpDistill.Torch;

namespace SharpDistill.Tests.Models;

/// <summary>Live-tensor counts that are not disturbed by finalizers of earlier tests' garbage.</summary>
internal static class LiveTensors
{
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TorchRuntime.LiveTensorCount;
    }
}
