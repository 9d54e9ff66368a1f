namespace SharpDistill.Torch.Tests.Engine;

public class ThreadSettingTests
{
    [Fact]
    public void AThreadCountSetByTheUserSurvivesTheFirstCallsOfOtherExports()
    {
        // Regression: the loader re-applied its default thread count each time the runtime bound a
        // not-yet-used native function, silently undoing TorchRuntime.Threads.
        var previous = TorchRuntime.Threads;
        var wanted = Environment.ProcessorCount + 1;
        try
        {
            TorchRuntime.Threads = wanted;
            using var scope = new TensorScope();
            var x = Tensors.Eye(4).View(1, 4, 2, 2);
            F.ChannelShuffle(x, 2).Roll(1, 1).CumSum(1);
            F.Hardtanh(x, -0.5, 0.5);
            Assert.Equal(wanted, TorchRuntime.Threads);
        }
        finally
        {
            TorchRuntime.Threads = previous;
        }
    }
}
