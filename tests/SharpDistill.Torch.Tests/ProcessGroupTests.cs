
namespace SharpDistill.Torch.Tests;

/// <summary>
/// The c10d process group in one process (world size 1): collectives leave the values as they are,
/// and every misuse or failure is a typed exception, never an abort. Two processes: tests/SharpDistill.Tests/Distributed.
/// </summary>
public class ProcessGroupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);


    [Fact]
    public void ASingleRankGroupRunsEveryCollective()
    {
        Assert.True(ProcessGroup.IsAvailable(DistributedBackend.Gloo));
        using var group = ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout);
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new[] { 1f, 2f, 3f });
        group.AllReduce(a, ReduceOp.Sum);
        group.AllReduce(a, ReduceOp.Average);
        Assert.Equal(new[] { 1f, 2f, 3f }, a.ToArray<float>());
        var strided = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3).Transpose(0, 1); // not contiguous
        var b = Tensor.FromArray(new[] { 7.0, 8.0 });
        var c = Tensor.FromArray(new[] { 9f });
        group.AllReduceBucket([strided, c], ReduceOp.Average);
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, strided.Contiguous().ToArray<float>());
        group.Broadcast(b, root: 0);
        Assert.Equal(new[] { 7.0, 8.0 }, b.ToArray<double>());
        group.Barrier();
        Assert.Throws<TorchArgumentException>(() => group.Broadcast(b, root: 1));
        Assert.Throws<TorchArgumentException>(() => group.AllReduceBucket([a, b]));  // float32 and float64 in one bucket
    }

    [Fact]
    public void BadArgumentsAndABusyPortAreTypedErrors()
    {
        Assert.Contains("rank 2 is not in 0..1",
            Assert.Throws<TorchArgumentException>(() => ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 2, 2, Timeout, Timeout)).Message);
        Assert.Throws<TorchArgumentException>(() => ProcessGroup.Create("127.0.0.1", 0, 0, 1, Timeout, Timeout));
        Assert.False(ProcessGroup.IsAvailable(DistributedBackend.Nccl)); // Debian's CPU libtorch
        Assert.Throws<TorchNotImplementedException>(() => ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout, DistributedBackend.Nccl));

        var port = ProcessGroup.FreeLocalPort();
        using var first = ProcessGroup.Create("127.0.0.1", port, 0, 1, Timeout, Timeout);
        Assert.Throws<TorchDistributedException>(() => ProcessGroup.Create("127.0.0.1", port, 0, 1, Timeout, Timeout));
    }
}
