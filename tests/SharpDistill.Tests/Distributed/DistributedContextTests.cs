using SharpDistill.Config;
using SharpDistill.Distributed;

namespace SharpDistill.Tests.Distributed;

public class DistributedContextTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    private static readonly (string, string)[] Valid =
        [("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "10.0.0.5"), ("MASTER_PORT", "29501")];

    [Fact]
    public void WithoutWorldSizeTheRunIsASingleProcess() => Assert.Null(DistributedContext.FromEnvironment(Env()));

    [Fact]
    public void TorchrunsVariablesDescribeTheRank()
    {
        var context = DistributedContext.FromEnvironment(Env(Valid))!;
        Assert.Equal(new DistributedContext(1, 2, 1, "10.0.0.5", 29501, DistributedContext.DefaultTimeout), context);
        Assert.False(context.IsMain);
    }

    [Theory]
    [InlineData("WORLD_SIZE", "two", "WORLD_SIZE is 'two'")]
    [InlineData("WORLD_SIZE", "0", "WORLD_SIZE is '0'")]
    [InlineData("RANK", "2", "RANK is '2': expected a whole number from 0 to 1")]
    [InlineData("RANK", "-1", "RANK is '-1'")]
    [InlineData("LOCAL_RANK", "x", "LOCAL_RANK is 'x'")]
    [InlineData("MASTER_PORT", "70000", "MASTER_PORT is '70000': expected a whole number from 1 to 65535")]
    [InlineData("MASTER_PORT", "", "MASTER_PORT is not")]
    [InlineData("MASTER_ADDR", "", "MASTER_ADDR is not")]
    [InlineData("RANK", "", "RANK is not")]
    [InlineData("SHARPDISTILL_DIST_TIMEOUT", "0", "SHARPDISTILL_DIST_TIMEOUT is '0'")]
    [InlineData("SHARPDISTILL_GRAD_SYNC", "during", "SHARPDISTILL_GRAD_SYNC is 'during': expected overlap or after-backward")]
    [InlineData("SHARPDISTILL_BUCKET_MB", "0", "SHARPDISTILL_BUCKET_MB is '0': expected a size in MiB")]
    [InlineData("SHARPDISTILL_BUCKET_MB", "lots", "SHARPDISTILL_BUCKET_MB is 'lots'")]
    public void ABadVariableIsOneErrorNamingIt(string name, string value, string expected)
    {
        var values = Valid.Where(v => v.Item1 != name).Append((name, value)).ToArray();
        var error = Assert.Throws<ConfigException>(() => DistributedContext.FromEnvironment(Env(values)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TheTimeoutComesFromItsVariable() =>
        Assert.Equal(TimeSpan.FromSeconds(7.5), DistributedContext.FromEnvironment(Env([.. Valid, ("SHARPDISTILL_DIST_TIMEOUT", "7.5")]))!.Timeout);

    [Fact]
    public void GradientsAreOverlappedInDdpSizedBucketsUnlessTheVariablesSayOtherwise()
    {
        var context = DistributedContext.FromEnvironment(Env(Valid))!;
        Assert.Equal(GradientSync.Overlapped, context.GradientSync);
        Assert.Equal(25L << 20, context.BucketBytes);
        var chosen = DistributedContext.FromEnvironment(Env([.. Valid, ("SHARPDISTILL_GRAD_SYNC", "after-backward"), ("SHARPDISTILL_BUCKET_MB", "0.5")]))!;
        Assert.Equal(GradientSync.AfterBackward, chosen.GradientSync);
        Assert.Equal(512L << 10, chosen.BucketBytes);
    }

    [Fact]
    public void TheGlobalBatchIsSplitOrRefused()
    {
        var context = DistributedContext.FromEnvironment(Env(Valid))!;
        Assert.Equal(64, DistributedBatch.PerRank(128, context));
        Assert.Equal(128, DistributedBatch.PerRank(128, null));
        var error = Assert.Throws<ConfigException>(() => DistributedBatch.PerRank(127, context));
        Assert.Contains("solver.batch_size is 127", error.Message);
    }

    [Fact]
    public void GlooIsTheDefaultForCpuTensorsAndTheVariableChoosesOtherwise()
    {
        var cpu = SharpDistill.Torch.Device.Cpu;
        Assert.Equal(SharpDistill.Torch.DistributedBackend.Gloo, DistributedContext.BackendFor(cpu, Env()));
        Assert.Equal(SharpDistill.Torch.DistributedBackend.Gloo, DistributedContext.BackendFor(cpu, Env(("SHARPDISTILL_DIST_BACKEND", " GLOO "))));
        Assert.Contains("SHARPDISTILL_DIST_BACKEND is 'mpi': expected gloo or nccl",
            Assert.Throws<ConfigException>(() => DistributedContext.BackendFor(cpu, Env(("SHARPDISTILL_DIST_BACKEND", "mpi")))).Message);
        Assert.Contains("NCCL reduces CUDA tensors only",
            Assert.Throws<ConfigException>(() => DistributedContext.BackendFor(cpu, Env(("SHARPDISTILL_DIST_BACKEND", "nccl")))).Message);
    }

    [Fact]
    public void ARankTrainsOnItsOwnGpuUnlessOneIsNamed()
    {
        var context = DistributedContext.FromEnvironment(Env(Valid))!;  // LOCAL_RANK 1
        Assert.Equal(SharpDistill.Torch.Device.Cpu, context.DeviceFor(SharpDistill.Torch.Device.Cpu));
        var named = SharpDistill.Torch.Device.Parse("cuda:0");
        Assert.Equal(named, context.DeviceFor(named));
        if (SharpDistill.Torch.TorchRuntime.CudaDeviceCount >= 2)
            Assert.Equal(SharpDistill.Torch.Device.Parse("cuda:1"), context.DeviceFor(SharpDistill.Torch.Device.Cuda));
        else
            Assert.Contains("LOCAL_RANK is 1, but this machine has",
                Assert.Throws<ConfigException>(() => context.DeviceFor(SharpDistill.Torch.Device.Cuda)).Message);
    }
}
