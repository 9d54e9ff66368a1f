
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

        var port = ProcessGroup.FreeLocalPort();
        using var first = ProcessGroup.Create("127.0.0.1", port, 0, 1, Timeout, Timeout);
        Assert.Throws<TorchDistributedException>(() => ProcessGroup.Create("127.0.0.1", port, 0, 1, Timeout, Timeout));
    }

    [NoNcclFact]
    public void WithoutNcclTheNcclBackendIsRefused() =>
        Assert.Throws<TorchNotImplementedException>(() => ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout, DistributedBackend.Nccl));

    [NcclFact]
    public void ASingleRankNcclGroupReducesCudaTensors()
    {
        using var group = ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout, DistributedBackend.Nccl);
        using var scope = new TensorScope();
        var cuda = Device.Parse("cuda:0");
        var a = Tensor.FromArray(new[] { 1f, 2f, 3f }).To(cuda);
        group.AllReduce(a, ReduceOp.Sum);
        group.AllReduce(a, ReduceOp.Average);
        var b = Tensor.FromArray(new[] { 4f, 5f }).To(cuda).RequiresGrad_();  // a parameter
        group.AllReduceBucket([a], ReduceOp.Average);
        group.Broadcast(b, root: 0);
        group.AllReduce(b, ReduceOp.Sum);
        group.Barrier();
        Assert.Equal(new[] { 1f, 2f, 3f }, a.To(Device.Cpu).ToArray<float>());
        Assert.Equal(new[] { 4f, 5f }, b.Detach().To(Device.Cpu).ToArray<float>());
    }

    [CudaFact]
    public void GlooReducesCudaTensorsToo()
    {
        using var group = ProcessGroup.Create("127.0.0.1", ProcessGroup.FreeLocalPort(), 0, 1, Timeout, Timeout);
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new[] { 1f, 2f, 3f }).To(Device.Parse("cuda:0"));
        group.AllReduceBucket([a], ReduceOp.Average);
        group.Broadcast(a, root: 0);
        Assert.Equal(new[] { 1f, 2f, 3f }, a.To(Device.Cpu).ToArray<float>());
        // A parameter (a leaf that requires grad): gloo writes CUDA tensors through an in-place copy.
        var parameter = Tensor.FromArray(new[] { 4f, 5f }).To(Device.Parse("cuda:0")).RequiresGrad_();
        group.Broadcast(parameter, root: 0);
        group.AllReduce(parameter, ReduceOp.Average);
        Assert.True(parameter.RequiresGrad);
        Assert.Equal(new[] { 4f, 5f }, parameter.Detach().To(Device.Cpu).ToArray<float>());
    }
}
