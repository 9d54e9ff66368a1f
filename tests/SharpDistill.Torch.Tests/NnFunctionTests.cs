namespace SharpDistill.Torch.Tests;

public class NnFunctionTests
{
    /// <summary>[1, 1, n, n] with values 1 .. n².</summary>
    private static Tensor Image(long n) => Expect.Iota(1, 1, n, n) + 1;

    [Fact]
    public void Conv2dSlidesTheKernelAndAddsTheBias()
    {
        using var scope = new TensorScope();
        var w = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        var bias = Tensor.FromArray(new float[] { 0.5f });
        // windows of [[1,2,3],[4,5,6],[7,8,9]] dotted with [[1,2],[3,4]]
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 37.5f, 47.5f, 67.5f, 77.5f }, F.Conv2d(Image(3), w, bias));
    }

    [Fact]
    public void Conv2dStridePaddingAndDilation()
    {
        using var scope = new TensorScope();
        var ones3 = Tensors.Ones(1, 1, 3, 3);
        // zero padding 1, stride 2: the four corner windows each see a 2x2 block of the image
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 12, 16, 24, 28 }, F.Conv2d(Image(3), ones3, stride: 2, padding: 1));
        // dilation 2 spreads a 2x2 kernel over the four corners
        Expect.Values(new long[] { 1, 1, 1, 1 }, new float[] { 20 }, F.Conv2d(Image(3), Tensors.Ones(1, 1, 2, 2), dilation: 2));
        // separate (height, width) settings
        var y = F.Conv2d(Tensors.Ones(1, 1, 5, 7), ones3, null, new long[] { 1, 2 }, new long[] { 0, 1 }, new long[] { 1 }, 1);
        Assert.Equal(new long[] { 1, 1, 3, 4 }, y.Shape);
    }

    [Fact]
    public void Conv2dGroupsKeepChannelGroupsApart()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 1, 1, 1, 2, 2, 2, 2 }, 1, 2, 2, 2);
        var w = Tensor.FromArray(new float[] { 3, 5 }, 2, 1, 1, 1);
        Expect.Values(new long[] { 1, 2, 2, 2 }, new float[] { 3, 3, 3, 3, 10, 10, 10, 10 }, F.Conv2d(x, w, groups: 2));

        // groups = 2 is the concatenation of two independent convolutions
        using var g = new Generator(3);
        var input = Tensors.Randn(new long[] { 2, 4, 5, 5 }, g, DType.Float64);
        var weight = Tensors.Randn(new long[] { 6, 2, 3, 3 }, g, DType.Float64);
        var grouped = F.Conv2d(input, weight, stride: 2, padding: 1, groups: 2);
        Assert.Equal(new long[] { 2, 6, 3, 3 }, grouped.Shape);
        var first = F.Conv2d(input.Narrow(1, 0, 2), weight.Narrow(0, 0, 3), stride: 2, padding: 1);
        var second = F.Conv2d(input.Narrow(1, 2, 2), weight.Narrow(0, 3, 3), stride: 2, padding: 1);
        Assert.True(grouped.AllClose(Tensors.Cat(new[] { first, second }, 1), 1e-12, 1e-12));
    }

    [Fact]
    public void BatchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes()
    {
        using var scope = new TensorScope();
        // channel 0 holds 1,2,3,4 and channel 1 holds 2,4,6,8 across the batch of 4
        var x = Tensor.FromArray(new double[] { 1, 2, 2, 4, 3, 6, 4, 8 }, 4, 2, 1, 1);
        var weight = Tensor.FromArray(new double[] { 1, 2 });
        var bias = Tensor.FromArray(new double[] { 0, 1 });
        var runningMean = Tensors.Zeros(new long[] { 2 }, DType.Float64);
        var runningVar = Tensors.Ones(new long[] { 2 }, DType.Float64);
        const double eps = 1e-5;

        var y = F.BatchNorm(x, runningMean, runningVar, weight, bias, training: true, momentum: 0.1, eps: eps);
        var s0 = Math.Sqrt(1.25 + eps); // biased batch variance of 1,2,3,4
        var s1 = Math.Sqrt(5 + eps);    // of 2,4,6,8
        var expected = new double[8];
        for (var n = 0; n < 4; n++)
        {
            expected[2 * n] = (n + 1 - 2.5) / s0;
            expected[2 * n + 1] = (2.0 * (n + 1) - 5) / s1 * 2 + 1;
        }
        Expect.Close(expected, y, 1e-12);
        // running = 0.9 running + 0.1 batch, with the unbiased variance (5/3 and 20/3)
        Expect.Close(new[] { 0.25, 0.5 }, runningMean, 1e-12);
        Expect.Close(new[] { 0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 20 / 3 }, runningVar, 1e-12);
    }

    [Fact]
    public void BatchNormEvalUsesRunningStatisticsAndLeavesThem()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2, 1, 1);
        var runningMean = Tensor.FromArray(new double[] { 1, -1 });
        var runningVar = Tensor.FromArray(new double[] { 4, 0.25 });
        var weight = Tensor.FromArray(new double[] { 2, 1 });
        var bias = Tensor.FromArray(new double[] { 0, 0.5 });
        var y = F.BatchNorm(x, runningMean, runningVar, weight, bias, training: false, eps: 0);
        Expect.Close(new[] { 0.0, 3 / 0.5 + 0.5, 2 * 2 / 2.0, 5 / 0.5 + 0.5 }, y, 1e-12);
        Expect.Close(new[] { 1.0, -1 }, runningMean, 0);
        Expect.Close(new[] { 4.0, 0.25 }, runningVar, 0);
        // without affine parameters it only normalises
        Expect.Close(new[] { 0.0, 3 / 0.5, 1, 5 / 0.5 }, F.BatchNorm(x, runningMean, runningVar, eps: 0), 1e-12);
    }

    [Fact]
    public void Activations()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { -2, -1, 0, 1, 2, 7 });
        Expect.Close(new double[] { 0, 0, 0, 1, 2, 7 }, F.Relu(x), 0);
        Expect.Close(new double[] { 0, 0, 0, 1, 2, 6 }, F.Relu6(x), 0);
        // exact GELU is x·Φ(x): Φ(1) = 0.8413447460685429, Φ(2) = 0.9772498680518208
        var gelu = F.Gelu(x).ToArray<double>();
        Expect.Close(-0.15865525393145707, gelu[1], 1e-12);
        Expect.Close(0, gelu[2], 0);
        Expect.Close(0.8413447460685429, gelu[3], 1e-12);
        Expect.Close(2 * 0.9772498680518208, gelu[4], 1e-12);
        static double GeluTanh(double v) => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        Expect.Close(new[] { -2.0, -1, 0, 1, 2, 7 }.Select(GeluTanh).ToArray(), F.Gelu(x, tanhApproximation: true), 1e-12);
        Expect.Close(new[] { -2.0, -1, 0, 1, 2, 7 }.Select(v => v / (1 + Math.Exp(-v))).ToArray(), F.Silu(x), 1e-12);
        Expect.Close(new[] { -0.2, -0.1, 0, 1, 2, 7 }, F.LeakyRelu(x, 0.1), 1e-12);
        Expect.Close(new double[] { -1, -1, 0, 1, 1, 1 }, F.Hardtanh(x), 0);
    }

    [Fact]
    public void MaxPool2d()
    {
        using var scope = new TensorScope();
        var x = Image(4); // rows 1..4, 5..8, 9..12, 13..16
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 6, 8, 14, 16 }, F.MaxPool2d(x, 2));
        Expect.Values(new long[] { 1, 1, 3, 3 }, new float[] { 6, 7, 8, 10, 11, 12, 14, 15, 16 }, F.MaxPool2d(x, 2, stride: 1));
        // padding is -inf: edge windows see only their real elements
        Expect.Values(new long[] { 1, 1, 3, 3 }, new float[] { 1, 3, 4, 9, 11, 12, 13, 15, 16 }, F.MaxPool2d(x, 2, padding: 1));
        Assert.Equal(new long[] { 1, 1, 2, 2 }, F.MaxPool2d(Image(5), 2).Shape);
        Assert.Equal(new long[] { 1, 1, 3, 3 }, F.MaxPool2d(Image(5), 2, ceilMode: true).Shape);
        Expect.Values(new long[] { 1, 1, 1, 1 }, new float[] { 16 }, F.MaxPool2d(x, 2, stride: 1, dilation: 3));
    }

    [Fact]
    public void AvgPool2dAndItsPaddingRule()
    {
        using var scope = new TensorScope();
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 3.5f, 5.5f, 11.5f, 13.5f }, F.AvgPool2d(Image(4), 2));
        var small = Image(2); // [[1,2],[3,4]]: with padding 1 each 2x2 window holds one real element
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 0.25f, 0.5f, 0.75f, 1 }, F.AvgPool2d(small, 2, padding: 1));
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 1, 2, 3, 4 }, F.AvgPool2d(small, 2, padding: 1, countIncludePad: false));
    }

    [Fact]
    public void AdaptiveAvgPool2d()
    {
        using var scope = new TensorScope();
        Expect.Values(new long[] { 1, 1, 1, 1 }, new float[] { 8.5f }, F.AdaptiveAvgPool2d(Image(4), 1));
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 3.5f, 5.5f, 11.5f, 13.5f }, F.AdaptiveAvgPool2d(Image(4), 2));
        // 3 → 2 uses overlapping windows [0, 2) and [1, 3)
        Expect.Values(new long[] { 1, 1, 2, 2 }, new float[] { 3, 4, 6, 7 }, F.AdaptiveAvgPool2d(Image(3), 2));
        Assert.Equal(new long[] { 1, 1, 1, 3 }, F.AdaptiveAvgPool2d(Image(4), 1, 3).Shape);
    }

    [Fact]
    public void DropoutZeroesAndRescales()
    {
        using var scope = new TensorScope();
        var x = Tensors.Ones(10000);
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0.5, training: false).ToArray<float>());
        Assert.Equal(x.ToArray<float>(), F.Dropout(x, 0).ToArray<float>());
        Assert.All(F.Dropout(x, 1).ToArray<float>(), v => Assert.Equal(0, v));

        TorchRuntime.ManualSeed(5);
        var kept = F.Dropout(x, 0.25).ToArray<float>();
        Assert.All(kept, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75f) < 1e-6, $"unexpected value {v}"));
        Assert.InRange(kept.Count(v => v == 0) / 10000.0, 0.22, 0.28);
        TorchRuntime.ManualSeed(5);
        Assert.Equal(kept, F.Dropout(x, 0.25).ToArray<float>());
        Assert.Throws<TorchArgumentException>(() => F.Dropout(x, 1.5));
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 1, 1, 1 }, 2, 3);
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        var expected = new[] { Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, 1.0 / 3, 1.0 / 3, 1.0 / 3 };
        Expect.Close(expected, F.Softmax(x, 1), 1e-12);
        Expect.Close(expected.Select(v => Math.Log(v)).ToArray(), F.LogSoftmax(x, -1), 1e-12);
        Expect.Close(new double[] { 1, 1, 1 }, F.Softmax(x, 0).Sum(0), 1e-12);
        // shift invariance keeps huge logits finite
        Expect.Close(new[] { 0.5, 0.5 }, F.Softmax(Tensor.FromArray(new double[] { 1000, 1000 }), 0), 1e-12);
    }

    [Fact]
    public void NormalizeDividesByTheNormButNeverByZero()
    {
        using var scope = new TensorScope();
        Expect.Close(new[] { 0.6, 0.8, 0, 0 }, F.Normalize(Tensor.FromArray(new double[] { 3, 4, 0, 0 }, 2, 2)), 1e-12);
        Expect.Close(new[] { 0.25, 0.75 }, F.Normalize(Tensor.FromArray(new double[] { 1, 3 }), p: 1, dim: 0), 1e-12);
        Expect.Close(new[] { 0.6, 1, 0.8, 0 }, F.Normalize(Tensor.FromArray(new double[] { 3, 1, 4, 0 }, 2, 2), dim: 0), 1e-12);
        // tiny vectors are divided by eps instead
        Expect.Close(new[] { 0.5, 0.5 }, F.Normalize(Tensor.FromArray(new double[] { 1e-13, 1e-13 }), dim: 0, eps: 2e-13), 1e-12);
    }

    [Fact]
    public void OneHot()
    {
        using var scope = new TensorScope();
        var labels = Tensor.FromArray(new long[] { 0, 2, 1 });
        var encoded = F.OneHot(labels, 4);
        Assert.Equal(DType.Int64, encoded.DType);
        Assert.Equal(new long[] { 3, 4 }, encoded.Shape);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0 }, encoded.ToArray<long>());
        Assert.Equal(new long[] { 3, 3 }, F.OneHot(labels).Shape);
    }

    [Fact]
    public void ChannelShuffleInterleavesGroups()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(1, 6, 1, 1);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, F.ChannelShuffle(x, 2).ToArray<float>());
        Assert.Equal(new float[] { 0, 2, 4, 1, 3, 5 }, F.ChannelShuffle(x, 3).ToArray<float>());
        Assert.Equal(new long[] { 1, 6, 1, 1 }, F.ChannelShuffle(x, 3).Shape);
    }
}
