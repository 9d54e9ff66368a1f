namespace SharpDistill.Torch.Tests;

public class ArithmeticTests
{
    [Fact]
    public void BroadcastsARowOverAMatrix()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var row = Tensor.FromArray(new float[] { 10, 20, 30 });
        Expect.Values(new long[] { 2, 3 }, new float[] { 11, 22, 33, 14, 25, 36 }, a + row);
        Expect.Values(new long[] { 2, 3 }, new float[] { -9, -18, -27, -6, -15, -24 }, a - row);
        Expect.Values(new long[] { 2, 3 }, new float[] { 10, 40, 90, 40, 100, 180 }, a * row);
        Expect.Values(new long[] { 2, 3 }, new float[] { 0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f }, a / row);
    }

    [Fact]
    public void BroadcastsAColumnAgainstARow()
    {
        using var scope = new TensorScope();
        var column = Tensor.FromArray(new float[] { 1, 2 }, 2, 1);
        var row = Tensor.FromArray(new float[] { 1, 2, 3 }, 1, 3);
        Expect.Values(new long[] { 2, 3 }, new float[] { 1, 2, 3, 2, 4, 6 }, column * row);
        Expect.Values(new long[] { 2, 3 }, new float[] { 2, 3, 4, 3, 4, 5 }, column + row);
        // trailing-dimension broadcasting across batch dimensions
        Assert.Equal(new long[] { 4, 2, 3 }, (Tensors.Ones(4, 1, 3) + Tensors.Ones(2, 1)).Shape);
    }

    [Fact]
    public void ScalarOperatorsWorkOnBothSides()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 4 });
        Assert.Equal(new float[] { 3, 4, 6 }, (a + 2).ToArray<float>());
        Assert.Equal(new float[] { 3, 4, 6 }, (2 + a).ToArray<float>());
        Assert.Equal(new float[] { 0, 1, 3 }, (a - 1).ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 6 }, (10 - a).ToArray<float>());
        Assert.Equal(new float[] { 3, 6, 12 }, (a * 3).ToArray<float>());
        Assert.Equal(new float[] { 3, 6, 12 }, (3 * a).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 1, 2 }, (a / 2).ToArray<float>());
        Assert.Equal(new float[] { 4, 2, 1 }, (4 / a).ToArray<float>());
        Assert.Equal(new float[] { -1, -2, -4 }, (-a).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 1.5f, 3.5f }, (a - 0.5).ToArray<float>());
    }

    [Fact]
    public void AddAndSubScaleTheSecondOperandByAlpha()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2 });
        var b = Tensor.FromArray(new float[] { 10, 20 });
        Assert.Equal(new float[] { 21, 42 }, a.Add(b, 2).ToArray<float>());
        Assert.Equal(new float[] { -4, -8 }, a.Sub(b, 0.5).ToArray<float>());
    }

    [Fact]
    public void TypePromotionFollowsPyTorch()
    {
        using var scope = new TensorScope();
        var ints = Tensor.FromArray(new long[] { 1, 2 });
        var floats = Tensor.FromArray(new float[] { 0.5f, 0.5f });
        Assert.Equal(DType.Float32, (ints + floats).DType);
        Assert.Equal(DType.Int64, (ints + Tensor.FromArray(new int[] { 1, 1 })).DType);
        Assert.Equal(DType.Int64, (ints * 3).DType);
        Assert.Equal(DType.Float32, (ints * 1.5).DType);
        Assert.Equal(DType.UInt8, (Tensor.FromArray(new byte[] { 1 }) + 1).DType);
        // division is true division, even of integers
        var quotient = ints / Tensor.FromArray(new long[] { 2, 2 });
        Assert.Equal(DType.Float32, quotient.DType);
        Assert.Equal(new float[] { 0.5f, 1 }, quotient.ToArray<float>());
    }

    [Fact]
    public void ExpLogPowSqrtAndFriends()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 0.25, 1, 4 });
        Expect.Close(new[] { Math.Exp(0.25), Math.E, Math.Exp(4) }, x.Exp(), 1e-12);
        Expect.Close(new[] { Math.Log(0.25), 0, Math.Log(4) }, x.Log(), 1e-12);
        Expect.Close(new[] { 0.5, 1, 2 }, x.Sqrt(), 1e-12);
        Expect.Close(new[] { 2, 1, 0.5 }, x.Rsqrt(), 1e-12);
        Expect.Close(new[] { 0.0625, 1, 16 }, x.Pow(2), 1e-12);
        Expect.Close(new[] { 0.0625, 1, 16 }, x.Square(), 1e-12);
        Expect.Close(new[] { Math.Pow(0.25, 0.5), 1, Math.Pow(4, 3) }, x.Pow(Tensor.FromArray(new double[] { 0.5, 7, 3 })), 1e-12);
        Expect.Close(new[] { 4, 1, 0.25 }, x.Reciprocal(), 1e-12);
        Expect.Close(new[] { Math.Log(1.25), Math.Log(2), Math.Log(5) }, x.Log1p(), 1e-12);
        Expect.Close(new[] { Math.Exp(0.25) - 1, Math.E - 1, Math.Exp(4) - 1 }, x.Expm1(), 1e-12);
        Expect.Close(new[] { Math.Sin(0.25), Math.Sin(1), Math.Sin(4) }, x.Sin(), 1e-12);
        Expect.Close(new[] { Math.Cos(0.25), Math.Cos(1), Math.Cos(4) }, x.Cos(), 1e-12);
        Expect.Close(new[] { Math.Tanh(0.25), Math.Tanh(1), Math.Tanh(4) }, x.Tanh(), 1e-12);
        Expect.Close(new[] { 1 / (1 + Math.Exp(-0.25)), 1 / (1 + Math.Exp(-1)), 1 / (1 + Math.Exp(-4)) }, x.Sigmoid(), 1e-12);
    }

    [Fact]
    public void SignsRoundingAndRemainder()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -2.5f, -0.5f, 0, 1.5f, 2.5f });
        Assert.Equal(new float[] { 2.5f, 0.5f, 0, 1.5f, 2.5f }, x.Abs().ToArray<float>());
        Assert.Equal(new float[] { -1, -1, 0, 1, 1 }, x.Sign().ToArray<float>());
        Assert.Equal(new float[] { -3, -1, 0, 1, 2 }, x.Floor().ToArray<float>());
        Assert.Equal(new float[] { -2, -0f, 0, 2, 3 }, x.Ceil().ToArray<float>());
        Assert.Equal(new float[] { -2, -0f, 0, 2, 2 }, x.Round().ToArray<float>()); // half to even
        // Python's modulo: the result takes the divisor's sign
        Assert.Equal(new long[] { 0, 1, 1, 2 }, Tensor.FromArray(new long[] { -3, -2, 7, 2 }).Remainder(3).ToArray<long>());
    }

    [Fact]
    public void ClampLimitsBothSidesOrOne()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -3, -1, 0, 2, 5 });
        Assert.Equal(new float[] { -2, -1, 0, 2, 3 }, x.Clamp(-2, 3).ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0, 2, 5 }, x.ClampMin(0).ToArray<float>());
        Assert.Equal(new float[] { -3, -1, 0, 1, 1 }, x.ClampMax(1).ToArray<float>());
        Assert.Contains("At least one of 'min' or 'max' must not be None", Assert.Throws<TorchArgumentException>(() => x.Clamp()).Message);
        var twos = Tensors.Full(new long[] { 1 }, 2); // broadcast against x
        Assert.Equal(new float[] { -3, -1, 0, 2, 2 }, x.Minimum(twos).ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 2, 2, 5 }, x.Maximum(twos).ToArray<float>());
    }

    [Fact]
    public void InPlaceOpsModifyTheTensorAndReturnIt()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 });
        var y = Tensor.FromArray(new float[] { 10, 20, 30 });
        Assert.Same(x, x.Add_(y, 0.1));
        Assert.Equal(new float[] { 2, 4, 6 }, x.ToArray<float>());
        x.Mul_(0.5f).Add_(1);
        Assert.Equal(new float[] { 2, 3, 4 }, x.ToArray<float>());
        x.Mul_(Tensor.FromArray(new float[] { 2, 2, 2 })).Div_(Tensor.FromArray(new float[] { 4, 3, 2 }));
        Assert.Equal(new float[] { 1, 2, 4 }, x.ToArray<float>());
        x.AddCMul_(y, y, 0.01);   // x += 0.01·y·y
        Expect.Close(new double[] { 2, 6, 13 }, x, 1e-6);
        x.AddCDiv_(y, Tensor.FromArray(new float[] { 5, 5, 5 }), -1); // x −= y/5
        Expect.Close(new double[] { 0, 2, 7 }, x, 1e-6);
        x.Clamp_(1, 5);
        Expect.Close(new double[] { 1, 2, 5 }, x, 1e-6);
        x.Copy_(Tensor.FromScalar(9f)); // broadcasting copy
        Assert.Equal(new float[] { 9, 9, 9 }, x.ToArray<float>());
        x.Zero_();
        Assert.Equal(new float[] { 0, 0, 0 }, x.ToArray<float>());
    }
}
