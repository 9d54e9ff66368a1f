namespace SharpDistill.Torch.Tests;

public class ComparisonTests
{
    [Fact]
    public void ElementwiseComparisonsGiveBoolTensors()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3 });
        var b = Tensor.FromArray(new float[] { 3, 2, 1 });
        Expect.Bools(new[] { false, true, false }, a.Eq(b));
        Expect.Bools(new[] { true, false, true }, a.Ne(b));
        Expect.Bools(new[] { true, false, false }, a.Lt(b));
        Expect.Bools(new[] { true, true, false }, a.Le(b));
        Expect.Bools(new[] { false, false, true }, a.Gt(b));
        Expect.Bools(new[] { false, true, true }, a.Ge(b));
        Expect.Bools(new[] { true, false, false }, a < b);
        Expect.Bools(new[] { false, false, true }, a > b);
        Expect.Bools(new[] { true, true, false }, a <= b);
        Expect.Bools(new[] { false, true, true }, a >= b);
    }

    [Fact]
    public void ComparisonsWithScalarsAndAcrossDTypes()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new long[] { 1, 2, 3 });
        Expect.Bools(new[] { false, true, false }, a.Eq(2));
        Expect.Bools(new[] { true, false, true }, a.Ne(2));
        Expect.Bools(new[] { false, true, true }, a > 1);
        Expect.Bools(new[] { true, false, false }, a < 1.5);
        Expect.Bools(new[] { true, true, false }, a <= 2);
        Expect.Bools(new[] { false, true, true }, a >= 2);
        Expect.Bools(new[] { true, false, false }, a.Lt(2));
        Expect.Bools(new[] { true, true, false }, a.Le(2.0));
        Expect.Bools(new[] { false, false, true }, a.Gt(2));
        Expect.Bools(new[] { false, true, true }, a.Ge(2));
        Expect.Bools(new[] { false, true, false }, a.Eq(Tensor.FromArray(new double[] { 1.5, 2, 2.5 })));
    }

    [Fact]
    public void ComparisonsBroadcast()
    {
        using var scope = new TensorScope();
        var column = Tensor.FromArray(new float[] { 1, 2 }, 2, 1);
        var row = Tensor.FromArray(new float[] { 0, 1, 2 });
        var m = column > row;
        Assert.Equal(new long[] { 2, 3 }, m.Shape);
        Expect.Bools(new[] { true, false, false, true, true, false }, m);
    }

    [Fact]
    public void LogicalOperators()
    {
        using var scope = new TensorScope();
        var p = Tensor.FromArray(new[] { true, true, false, false });
        var q = Tensor.FromArray(new[] { true, false, true, false });
        Expect.Bools(new[] { true, false, false, false }, p & q);
        Expect.Bools(new[] { true, true, true, false }, p | q);
        Expect.Bools(new[] { false, true, true, false }, p.LogicalXor(q));
        Expect.Bools(new[] { false, false, true, true }, !p);
        // non-bool inputs are truthy where non-zero
        Expect.Bools(new[] { false, true, true }, Tensor.FromArray(new float[] { 0, 2, -1 }).LogicalOr(Tensors.Zeros(3)));
    }

    [Fact]
    public void EqualAndAllClose()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3 });
        Assert.True(a.Equal(Tensor.FromArray(new float[] { 1, 2, 3 })));
        Assert.False(a.Equal(Tensor.FromArray(new float[] { 1, 2, 3.001f })));
        Assert.False(a.Equal(Tensor.FromArray(new float[] { 1, 2, 3 }, 3, 1)));
        Assert.True(a.AllClose(Tensor.FromArray(new float[] { 1, 2, 3.00001f })));
        Assert.False(a.AllClose(Tensor.FromArray(new float[] { 1, 2, 3.01f })));
        Assert.True(a.AllClose(Tensor.FromArray(new float[] { 1, 2, 3.01f }), rtol: 0, atol: 0.02));
    }

    [Fact]
    public void NanAndInfinityAreDetected()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { -1, 0, 1 });
        var logs = x.Log(); // NaN, -inf, 0
        Expect.Bools(new[] { true, false, false }, logs.IsNan());
        Expect.Bools(new[] { false, false, true }, logs.IsFinite());
        Assert.False(logs.Eq(logs).All().ToBoolean()); // NaN != NaN
    }
}
