namespace SharpDistill.Torch.Tests;

public class LinearAlgebraTests
{
    [Fact]
    public void MatrixProducts()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        Expect.Values(new long[] { 2, 2 }, new float[] { 19, 22, 43, 50 }, a.Mm(b));
        Expect.Values(new long[] { 2, 2 }, new float[] { 19, 22, 43, 50 }, a.MatMul(b));
        Expect.Values(new long[] { 2, 2 }, new float[] { 23, 34, 31, 46 }, b.MatMul(a));
        var rect = Tensor.FromArray(new float[] { 1, 0, 2, 0, 1, 3 }, 2, 3);
        Expect.Values(new long[] { 2, 2 }, new float[] { 5, 6, 6, 10 }, rect.MatMul(rect.T()));
    }

    [Fact]
    public void MatMulHandlesVectorsAndBatches()
    {
        using var scope = new TensorScope();
        var m = Tensor.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        var v = Tensor.FromArray(new float[] { 1, 2 });
        Expect.Values(new long[] { 2 }, new float[] { 19, 22 }, v.MatMul(m));
        Expect.Values(new long[] { 2 }, new float[] { 17, 23 }, m.MatMul(v));
        Assert.Equal(5f, v.MatMul(v).ToSingle());
        // a batch of matrices times one matrix broadcasts over the batch
        var batch = Tensors.Stack(new[] { Tensors.Eye(2), Tensors.Eye(2) * 2 });
        Expect.Values(new long[] { 2, 2, 2 }, new float[] { 5, 6, 7, 8, 10, 12, 14, 16 }, batch.MatMul(m));
        Expect.Values(new long[] { 2, 2, 2 }, new float[] { 5, 6, 7, 8, 10, 12, 14, 16 }, batch.Bmm(Tensors.Stack(new[] { m, m })));
    }

    [Fact]
    public void LinearIsXTimesWTransposedPlusB()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var w = Tensor.FromArray(new float[] { 1, 0, -1, 0.5f, 0.5f, 0.5f }, 2, 3);
        var b = Tensor.FromArray(new float[] { 0.1f, -0.2f });
        Expect.Close(new[] { -1.9, 2.8, -1.9, 7.3 }, F.Linear(x, w, b), 1e-6);
        Expect.Close(new[] { -2.0, 3, -2, 7.5 }, F.Linear(x, w), 1e-6);
        // leading dimensions pass through
        Assert.Equal(new long[] { 2, 1, 2 }, F.Linear(x.View(2, 1, 3), w, b).Shape);
    }
}
