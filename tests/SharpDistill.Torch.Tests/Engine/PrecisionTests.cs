using SharpDistill.Torch.NN;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Torch.Tests.Engine;

public class PrecisionTests
{
    [Fact]
    public void AutocastRunsMatrixProductsInBFloat16AndRestoresTheStateOnExit()
    {
        using var a = Tensors.Randn([4, 8], new Generator(1));
        using var b = Tensors.Randn([8, 3], new Generator(2));
        Assert.False(Autocast.IsCpuEnabled);
        using (Autocast.Cpu())
        {
            Assert.True(Autocast.IsCpuEnabled);
            Assert.Equal(DType.BFloat16, Autocast.CpuDType);
            using var product = a.MatMul(b);
            Assert.Equal(DType.BFloat16, product.DType);
        }
        Assert.False(Autocast.IsCpuEnabled);
        using var after = a.MatMul(b);
        Assert.Equal(DType.Float32, after.DType);
    }

    [Fact]
    public void AutocastStateIsRestoredWhenAnExceptionLeavesTheScope()
    {
        var before = (Autocast.IsCpuEnabled, Autocast.CpuDType);
        Assert.Throws<InvalidOperationException>(FailInsideNestedScopes);
        Assert.Equal(before, (Autocast.IsCpuEnabled, Autocast.CpuDType));
    }

    private static void FailInsideNestedScopes()
    {
        using (Autocast.Cpu())
        using (Autocast.Cpu())
            throw new InvalidOperationException("boom");
    }

    [Fact]
    public void NestedAutocastScopesRestoreTheOuterOne()
    {
        using (Autocast.Cpu())
        {
            using (Autocast.Cpu()) Assert.True(Autocast.IsCpuEnabled);
            Assert.True(Autocast.IsCpuEnabled);
        }
        Assert.False(Autocast.IsCpuEnabled);
    }

    [Fact]
    public void AutocastToAnUnsupportedDTypeIsRefusedAndChangesNothing()
    {
        var e = Assert.Throws<TorchArgumentException>(() => Autocast.Cpu(DType.Float16));
        Assert.Contains("bfloat16", e.Message);
        Assert.False(Autocast.IsCpuEnabled);
    }

    [Fact]
    public void CpuAutocastLeavesCudaAutocastOffAndViceVersa()
    {
        using (Autocast.For(Device.Cpu))
            Assert.True(Autocast.IsEnabled(DeviceType.Cpu));
        Assert.False(Autocast.IsEnabled(DeviceType.Cpu));
        if (!TorchRuntime.CudaIsAvailable)
            Assert.Throws<TorchNotImplementedException>(() => Autocast.For(Device.Cuda));  // a CPU-only libtorch
        else
            Assert.False(Autocast.IsEnabled(DeviceType.Cuda));
    }

    [CudaFact]
    public void CudaAutocastRunsCudaMatrixProductsInReducedPrecisionOnly()
    {
        using var scope = new TensorScope();
        var a = Tensors.Randn([4, 8], new Generator(1));
        var b = Tensors.Randn([8, 3], new Generator(2));
        var ca = a.To(Device.Cuda);
        var cb = b.To(Device.Cuda);
        using (Autocast.For(Device.Cuda, DType.Float16))
        {
            Assert.True(Autocast.IsEnabled(DeviceType.Cuda));
            Assert.False(Autocast.IsCpuEnabled);
            Assert.Equal(DType.Float16, ca.MatMul(cb).DType);
            Assert.Equal(DType.Float32, a.MatMul(b).DType);  // CPU tensors are outside a CUDA scope
        }
        using (Autocast.For(Device.Cuda)) Assert.Equal(DType.BFloat16, ca.MatMul(cb).DType);
        Assert.False(Autocast.IsEnabled(DeviceType.Cuda));
        Assert.Equal(DType.Float32, ca.MatMul(cb).DType);
    }

    [Fact]
    public void ChannelsLastConvolutionEqualsTheContiguousOne()
    {
        using var input = Tensors.Randn([2, 3, 9, 9], new Generator(3));
        using var weight = Tensors.Randn([5, 3, 3, 3], new Generator(4));
        using var plain = F.Conv2d(input, weight, padding: 1);
        using var inputCl = input.ToMemoryFormat(MemoryFormat.ChannelsLast);
        using var weightCl = weight.ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.True(inputCl.IsContiguousIn(MemoryFormat.ChannelsLast));
        Assert.False(inputCl.IsContiguousIn(MemoryFormat.Contiguous));
        using var channelsLast = F.Conv2d(inputCl, weightCl, padding: 1);
        Assert.True(channelsLast.IsContiguousIn(MemoryFormat.ChannelsLast));
        Assert.Equal(plain.Shape, channelsLast.Shape);
        Assert.True(channelsLast.AllClose(plain, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void AModuleMovesItsConvolutionWeightsToChannelsLastKeepingThem()
    {
        using var conv = new Conv2d(3, 4, 3, padding: 1);
        var weight = conv.Parameters().First(p => p.Dim == 4);
        conv.ToMemoryFormat(MemoryFormat.ChannelsLast);
        Assert.Same(weight, conv.Parameters().First(p => p.Dim == 4));
        Assert.True(weight.IsContiguousIn(MemoryFormat.ChannelsLast));
    }

    [Fact]
    public void ChannelsLastNeedsFourDimensions()
    {
        using var flat = Tensors.Zeros(3, 4);
        var e = Assert.Throws<TorchArgumentException>(() => flat.ToMemoryFormat(MemoryFormat.ChannelsLast));
        Assert.Contains("4-D", e.Message);
    }

    [Fact]
    public void BFloat16TensorsRoundTripThroughSafeTensors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sd_bf16_{Guid.NewGuid():N}.safetensors");
        try
        {
            using var source = Tensors.Randn([3, 5], new Generator(5));
            using var bf16 = source.To(DType.BFloat16);
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = bf16 });
            Assert.Equal(DType.BFloat16, SafeTensors.ReadHeader(path).Entries.Single().DType);
            using var file = SafeTensors.Load(path);
            var loaded = file.Tensors["w"];
            Assert.Equal(DType.BFloat16, loaded.DType);
            Assert.True(loaded.Equal(bf16));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
