namespace SharpDistill.Torch.Tests;

public class ReductionTests
{
    private static Tensor Matrix() => Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);

    [Fact]
    public void SumAndMeanOverAllOrSomeDimensions()
    {
        using var scope = new TensorScope();
        var x = Matrix();
        Assert.Equal(21f, x.Sum().ToSingle());
        Assert.Equal(0, x.Sum().Dim);
        Expect.Values(new long[] { 3 }, new float[] { 5, 7, 9 }, x.Sum(0));
        Expect.Values(new long[] { 2, 1 }, new float[] { 6, 15 }, x.Sum(1, keepDim: true));
        Expect.Values(new long[] { 2 }, new float[] { 6, 15 }, x.Sum(-1));
        Assert.Equal(21f, x.Sum(new long[] { 0, 1 }).ToSingle());
        Assert.Equal(3.5f, x.Mean().ToSingle());
        Expect.Values(new long[] { 2 }, new float[] { 2, 5 }, x.Mean(1));
        Expect.Values(new long[] { 1, 3 }, new float[] { 2.5f, 3.5f, 4.5f }, x.Mean(0, keepDim: true));
    }

    [Fact]
    public void SumsOfIntegersAndBoolsCountInInt64()
    {
        using var scope = new TensorScope();
        var ints = Tensor.FromArray(new int[] { 1, 2, 3 }).Sum();
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(6, ints.ToInt64());
        Assert.Equal(2, Tensor.FromArray(new[] { true, false, true }).Sum().ToInt64());
    }

    [Fact]
    public void MaxMinAndArgMax()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 3, 9, 1, 4, 2, 8 }, 2, 3);
        Assert.Equal(9f, x.Max().ToSingle());
        Assert.Equal(1f, x.Min().ToSingle());
        var (values, indices) = x.Max(1);
        Assert.Equal(new float[] { 9, 8 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 2 }, indices.ToArray<long>());
        var (minValues, minIndices) = x.Min(0, keepDim: true);
        Expect.Values(new long[] { 1, 3 }, new float[] { 3, 2, 1 }, minValues);
        Assert.Equal(new long[] { 0, 1, 0 }, minIndices.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, x.ArgMax(1).ToArray<long>());
        Assert.Equal(new long[] { 1, 0, 1 }, x.ArgMax(0).ToArray<long>());
        Assert.Equal(new long[] { 2, 1 }, x.ArgMin(1).ToArray<long>());
        Assert.Equal(new long[] { 2, 1 }, x.ArgMax(1, keepDim: true).Shape);
    }

    [Fact]
    public void TopKAndSort()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 5, 3, 9, 7 });
        var (top, topIndex) = x.TopK(3);
        Assert.Equal(new float[] { 9, 7, 5 }, top.ToArray<float>());
        Assert.Equal(new long[] { 3, 4, 1 }, topIndex.ToArray<long>());
        var (bottom, bottomIndex) = x.TopK(2, largest: false);
        Assert.Equal(new float[] { 1, 3 }, bottom.ToArray<float>());
        Assert.Equal(new long[] { 0, 2 }, bottomIndex.ToArray<long>());
        // top-k per row, as in top-5 accuracy
        var (rowTop, _) = Tensor.FromArray(new float[] { 1, 3, 2, 6, 5, 4 }, 2, 3).TopK(2, dim: 1);
        Expect.Values(new long[] { 2, 2 }, new float[] { 3, 2, 6, 5 }, rowTop);
        var (sorted, order) = x.Sort(descending: true);
        Assert.Equal(new float[] { 9, 7, 5, 3, 1 }, sorted.ToArray<float>());
        Assert.Equal(new long[] { 3, 4, 1, 2, 0 }, order.ToArray<long>());
    }

    [Fact]
    public void StdAndVarWithBothCorrections()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 });
        // mean 2.5, squared deviations sum to 5
        Expect.Close(5.0 / 3, x.Var(), 1e-12);
        Expect.Close(Math.Sqrt(5.0 / 3), x.Std(), 1e-12);
        Expect.Close(1.25, x.Var(correction: 0), 1e-12);
        Expect.Close(Math.Sqrt(1.25), x.Std(correction: 0), 1e-12);
        var rows = Tensor.FromArray(new double[] { 1, 2, 3, 4, 6, 8 }, 2, 3).Std(new long[] { 1 });
        Expect.Close(new[] { 1.0, 2.0 }, rows, 1e-12);
        Assert.Equal(new long[] { 2, 1 }, Tensor.FromArray(new double[] { 1, 2, 3, 4, 6, 8 }, 2, 3).Std(new long[] { 1 }, keepDim: true).Shape);
    }

    [Fact]
    public void Norms()
    {
        using var scope = new TensorScope();
        var v = Tensor.FromArray(new float[] { 3, -4 });
        Assert.Equal(5f, v.Norm().ToSingle());
        Assert.Equal(7f, v.Norm(1).ToSingle());
        Assert.Equal(4f, v.Norm(double.PositiveInfinity).ToSingle());
        var m = Tensor.FromArray(new float[] { 3, 4, 6, 8 }, 2, 2);
        Expect.Values(new long[] { 2 }, new float[] { 5, 10 }, m.Norm(2, new long[] { 1 }));
        Expect.Close(Math.Sqrt(125), m.Norm(), 1e-6);
    }

    [Fact]
    public void LogSumExpCumSumAnyAll()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 1, 2, 3 });
        Expect.Close(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), x.LogSumExp(0), 1e-12);
        // stable for large values, where exp overflows
        Expect.Close(1000 + Math.Log(2), Tensor.FromArray(new double[] { 1000, 1000 }).LogSumExp(0), 1e-12);
        Assert.Equal(new double[] { 1, 3, 6 }, x.CumSum(0).ToArray<double>());
        Assert.True(Tensor.FromArray(new[] { false, true }).Any().ToBoolean());
        Assert.False(Tensor.FromArray(new[] { false, true }).All().ToBoolean());
        Assert.True(Tensor.FromArray(new[] { true, true }).All().ToBoolean());
    }
}
