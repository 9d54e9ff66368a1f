namespace SharpDistill.Torch.Tests;

public class CreationTests
{
    [Fact]
    public void RoundTripsEveryDTypeThroughArrays()
    {
        using var scope = new TensorScope();
        RoundTrip(new float[] { 1.5f, -2, 3 }, DType.Float32);
        RoundTrip(new double[] { 1e-300, -2.25, 1e300 }, DType.Float64);
        RoundTrip(new long[] { long.MinValue, 0, long.MaxValue }, DType.Int64);
        RoundTrip(new int[] { int.MinValue, 7, int.MaxValue }, DType.Int32);
        RoundTrip(new byte[] { 0, 128, 255 }, DType.UInt8);
        RoundTrip(new bool[] { true, false, true }, DType.Bool);
    }

    private static void RoundTrip<T>(T[] data, DType dtype) where T : unmanaged
    {
        var t = Tensor.FromArray(data);
        Assert.Equal(dtype, t.DType);
        Assert.Equal(new long[] { data.Length }, t.Shape);
        Assert.Equal(data, t.ToArray<T>());
    }

    [Fact]
    public void FromSpanCopiesTheDataWithTheGivenShape()
    {
        using var scope = new TensorScope();
        var source = new[] { 1f, 2, 3, 4, 5, 6, 7, 8 };
        var t = Tensor.FromSpan<float>(source.AsSpan(2, 6), 2, 3);
        source[2] = 100; // the tensor owns a copy
        Expect.Values(new long[] { 2, 3 }, new float[] { 3, 4, 5, 6, 7, 8 }, t);
    }

    [Fact]
    public void CopyToFillsASpanOfExactlyTheRightSize()
    {
        using var scope = new TensorScope();
        var t = Tensor.FromArray(new long[] { 4, 5, 6 });
        var buffer = new long[5];
        t.CopyTo<long>(buffer.AsSpan(1, 3));
        Assert.Equal(new long[] { 0, 4, 5, 6, 0 }, buffer);
        var e = Assert.Throws<TorchArgumentException>(() => t.CopyTo<long>(buffer));
        Assert.Contains("destination holds 40 bytes but the tensor has 24", e.Message);
    }

    [Fact]
    public void CopyToReadsNonContiguousViewsInRowMajorOrder()
    {
        using var scope = new TensorScope();
        var t = Expect.Iota(2, 3).T(); // [[0,3],[1,4],[2,5]]
        Assert.False(t.IsContiguous);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToArray<float>());
    }

    [Fact]
    public void FromScalarMakesAZeroDimensionalTensor()
    {
        using var scope = new TensorScope();
        var t = Tensor.FromScalar(2.5);
        Assert.Equal(0, t.Dim);
        Assert.Empty(t.Shape);
        Assert.Equal(1, t.NumEl);
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal(2.5, t.ToDouble());
        Assert.Equal(7L, Tensor.FromScalar(7L).ToInt64());
        Assert.True(Tensor.FromScalar(true).ToBoolean());
    }

    [Fact]
    public void ZerosOnesFullAndEyeHaveTheirValuesAndDTypes()
    {
        using var scope = new TensorScope();
        var z = Tensors.Zeros(new long[] { 2, 2 }, DType.Int32);
        Assert.Equal(DType.Int32, z.DType);
        Assert.Equal(new int[4], z.ToArray<int>());
        Expect.Values(new long[] { 3 }, new float[] { 1, 1, 1 }, Tensors.Ones(3));
        var full = Tensors.Full(new long[] { 2 }, 2.5, DType.Float64);
        Assert.Equal(new[] { 2.5, 2.5 }, full.ToArray<double>());
        var eye = Tensors.Eye(3);
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, eye.ToArray<float>());
        Assert.Equal(new long[] { 0, 4 }, Tensors.Empty(new long[] { 0, 4 }).Shape);
    }

    [Fact]
    public void ArangeInfersItsDTypeLikePyTorch()
    {
        using var scope = new TensorScope();
        var ints = Tensors.Arange(5);
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, ints.ToArray<long>());
        Assert.Equal(new long[] { 1, 4, 7 }, Tensors.Arange(1, 10, 3).ToArray<long>());

        var floats = Tensors.Arange(0, 1, 0.25);
        Assert.Equal(DType.Float32, floats.DType);
        Assert.Equal(new float[] { 0, 0.25f, 0.5f, 0.75f }, floats.ToArray<float>());

        var explicitType = Tensors.Arange(0, 3, dtype: DType.Float64);
        Assert.Equal(new double[] { 0, 1, 2 }, explicitType.ToArray<double>());
        Assert.Equal(new long[] { 5, 3, 1 }, Tensors.Arange(5, 0, -2).ToArray<long>());
    }

    [Fact]
    public void LikeFunctionsCopyShapeAndDType()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        foreach (var t in new[] { Tensors.ZerosLike(a), Tensors.OnesLike(a), Tensors.FullLike(a, 7), Tensors.EmptyLike(a) })
        {
            Assert.Equal(new long[] { 2, 3 }, t.Shape);
            Assert.Equal(DType.Float64, t.DType);
        }
        Assert.All(Tensors.FullLike(a, 7).ToArray<double>(), v => Assert.Equal(7, v));
        Assert.All(Tensors.OnesLike(a).ToArray<double>(), v => Assert.Equal(1, v));
    }

    [Fact]
    public void RandomTensorsRespectTheirRanges()
    {
        using var scope = new TensorScope();
        using var g = new Generator(7);
        var u = Tensors.Rand(new long[] { 4000 }, g).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, 0f, 0.99999994f));
        Assert.InRange(u.Average(), 0.47, 0.53);

        var n = Tensors.Randn(new long[] { 4000 }, g, DType.Float64).ToArray<double>();
        var mean = n.Average();
        var std = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.06, 0.06);
        Assert.InRange(std, 0.95, 1.05);

        var k = Tensors.RandInt(3, 7, new long[] { 1000 }, g);
        Assert.Equal(DType.Int64, k.DType);
        var ints = k.ToArray<long>();
        Assert.All(ints, v => Assert.InRange(v, 3, 6));
        Assert.Equal(new long[] { 3, 4, 5, 6 }, ints.Distinct().Order().ToArray());

        var perm = Tensors.RandPerm(10, g).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), perm.Order());
    }

    [Fact]
    public void ConvertsBetweenDTypes()
    {
        using var scope = new TensorScope();
        var f = Tensor.FromArray(new float[] { 1.7f, -1.7f, 0 });
        Assert.Equal(new long[] { 1, -1, 0 }, f.To(DType.Int64).ToArray<long>()); // truncation toward zero
        Assert.Equal(new[] { true, true, false }, f.To(DType.Bool).ToArray<bool>());
        var bytes = Tensor.FromArray(new byte[] { 0, 200, 255 });
        Assert.Equal(new double[] { 0, 200, 255 }, bytes.To(DType.Float64).ToArray<double>());
        Assert.Equal(new int[] { 0, 200, 255 }, bytes.To(DType.Int32).ToArray<int>());
    }

    [Fact]
    public void ToWithCopyGivesIndependentStorage()
    {
        using var scope = new TensorScope();
        var a = Tensors.Zeros(3);
        var same = a.To(Device.Cpu);
        var copy = a.To(Device.Cpu, copy: true);
        a.Fill_(5);
        Assert.Equal(new float[] { 5, 5, 5 }, same.ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0 }, copy.ToArray<float>());
        Assert.Equal(Device.Cpu, a.Device);
    }

    [Fact]
    public void ParsesDevices()
    {
        Assert.Equal(Device.Cpu, Device.Parse(" CPU "));
        Assert.Equal(Device.Cuda, Device.Parse("cuda"));
        Assert.Equal(new Device(DeviceType.Cuda, 1), Device.Parse("cuda:1"));
        Assert.Equal("cuda:1", Device.Parse("cuda:1").ToString());
        Assert.Throws<ArgumentException>(() => Device.Parse("tpu"));
    }

    [Fact]
    public void ToStringShowsTheValues()
    {
        using var scope = new TensorScope();
        var text = Tensor.FromArray(new long[] { 11, 22 }).ToString();
        Assert.Contains("11", text);
        Assert.Contains("22", text);
        var disposed = Tensors.Ones(1);
        disposed.Dispose();
        Assert.Equal("Tensor(disposed)", disposed.ToString());
    }

    [CpuOnlyFact]
    public void ACudaRequestWithoutCudaNamesTheProblem()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TorchNotImplementedException>(() => Tensors.Zeros(new long[] { 2 }, device: Device.Cuda));
        Assert.Contains("built without CUDA support", e.Message);
        using var cpu = Tensors.Ones(2);
        Assert.Throws<TorchNotImplementedException>(() => cpu.To(Device.Cuda));
        Assert.Equal(0, TorchRuntime.CudaDeviceCount);
    }

    [CudaFact]
    public void RoundTripsThroughCuda()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3 });
        var onGpu = a.To(Device.Cuda);
        Assert.Equal(DeviceType.Cuda, onGpu.Device.Type);
        var doubled = onGpu * 2 + Tensors.Ones(new long[] { 3 }, device: Device.Cuda);
        Assert.Equal(new float[] { 3, 5, 7 }, doubled.ToArray<float>()); // ToArray copies from the device
        Assert.Equal(new float[] { 3, 5, 7 }, doubled.To(Device.Cpu).ToArray<float>());
        Assert.Equal(new long[] { 0, 1, 2 }, Tensors.Arange(0, 3, device: Device.Cuda).ToArray<long>());
    }

    [CudaFact]
    public void AGeneratorGivesTheSameNumbersOnEveryDevice()
    {
        using var scope = new TensorScope();
        using var g = new Generator(99);
        var cpu = Tensors.Randn(new long[] { 16 }, g).ToArray<float>();
        g.ManualSeed(99);
        var gpu = Tensors.Randn(new long[] { 16 }, g, device: Device.Cuda);
        Assert.Equal(DeviceType.Cuda, gpu.Device.Type);
        Assert.Equal(cpu, gpu.ToArray<float>());
        g.ManualSeed(99);
        var filled = Tensors.Zeros(new long[] { 16 }, device: Device.Cuda).Normal_(0, 1, g);
        Assert.Equal(cpu, filled.ToArray<float>());
    }
}
