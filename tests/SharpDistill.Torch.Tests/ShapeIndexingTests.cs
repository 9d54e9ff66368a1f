namespace SharpDistill.Torch.Tests;

public class ShapeIndexingTests
{
    [Fact]
    public void ViewAndReshapeKeepRowMajorOrder()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(2, 3);
        Assert.Equal(new long[] { 3, 1 }, x.Strides);
        Expect.Values(new long[] { 3, 2 }, new float[] { 0, 1, 2, 3, 4, 5 }, x.View(3, 2));
        Assert.Equal(new long[] { 6 }, x.View(-1).Shape);
        Assert.Equal(new long[] { 1, 2, 3 }, x.Reshape(1, -1, 3).Shape);
        Assert.Equal(3, x.Size(-1));
        Assert.Equal(2, x.Size(0));
    }

    [Fact]
    public void ViewsShareStorage()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(2, 3);
        x.View(6).Select(0, 4).Fill_(40);
        x[0].Fill_(-1);
        Assert.Equal(new float[] { -1, -1, -1, 3, 40, 5 }, x.ToArray<float>());
    }

    [Fact]
    public void PermuteIsAViewThatContiguousMaterialises()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        Assert.Equal(new long[] { 4, 2, 3 }, p.Shape);
        Assert.False(p.IsContiguous);
        Assert.Equal(new long[] { 1, 12, 4 }, p.Strides);
        var c = p.Contiguous();
        Assert.True(c.IsContiguous);
        var values = c.ToArray<float>();
        for (var k = 0; k < 4; k++)
        for (var i = 0; i < 2; i++)
        for (var j = 0; j < 3; j++)
            Assert.Equal(i * 12 + j * 4 + k, values[k * 6 + i * 3 + j]); // p[k,i,j] = x[i,j,k]
    }

    [Fact]
    public void ReshapeCopiesWhereViewCannot()
    {
        using var scope = new TensorScope();
        var t = Expect.Iota(2, 3).T();
        Expect.Values(new long[] { 6 }, new float[] { 0, 3, 1, 4, 2, 5 }, t.Reshape(6));
        var e = Assert.Throws<TorchArgumentException>(() => t.View(6));
        Assert.Contains("view size is not compatible", e.Message);
    }

    [Fact]
    public void TransposeSqueezeUnsqueezeFlattenExpand()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(2, 3);
        Expect.Values(new long[] { 3, 2 }, new float[] { 0, 3, 1, 4, 2, 5 }, x.Transpose(0, 1));
        Assert.Equal(new long[] { 2, 1, 3 }, x.Unsqueeze(1).Shape);
        Assert.Equal(new long[] { 2, 3, 1 }, x.Unsqueeze(-1).Shape);
        Assert.Equal(new long[] { 2, 3 }, x.Unsqueeze(1).Squeeze(1).Shape);
        Assert.Equal(new long[] { 3 }, Expect.Iota(1, 3, 1).Squeeze().Shape);
        Assert.Equal(new long[] { 2, 12 }, Expect.Iota(2, 3, 4).Flatten(1).Shape);
        Assert.Equal(new long[] { 24 }, Expect.Iota(2, 3, 4).Flatten().Shape);
        var e = Tensor.FromArray(new float[] { 1, 2 }, 2, 1).Expand(2, 3);
        Expect.Values(new long[] { 2, 3 }, new float[] { 1, 1, 1, 2, 2, 2 }, e);
        Assert.Equal(new long[] { 1, 0 }, e.Strides); // a broadcast view, no copy
    }

    [Fact]
    public void IntegerIndicesSelectAndNegativeOnesCountFromTheEnd()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(3, 4);
        Expect.Values(new long[] { 4 }, new float[] { 4, 5, 6, 7 }, x[1]);
        Expect.Values(new long[] { 4 }, new float[] { 8, 9, 10, 11 }, x[-1]);
        Expect.Values(new long[] { 4 }, new float[] { 8, 9, 10, 11 }, x[^1]);
        var element = x[1, 2];
        Assert.Equal(0, element.Dim);
        Assert.Equal(6f, element.ToSingle());
        Expect.Values(new long[] { 3 }, new float[] { 2, 6, 10 }, x[TensorIndex.All, 2]);
        Expect.Values(new long[] { 3 }, new float[] { 3, 7, 11 }, x[.., -1]);
        Expect.Values(new long[] { 4 }, new float[] { 4, 5, 6, 7 }, x[1L]);
    }

    [Fact]
    public void RangesSliceLikePython()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(3, 4);
        Expect.Values(new long[] { 3, 2 }, new float[] { 1, 2, 5, 6, 9, 10 }, x[.., 1..3]);
        Expect.Values(new long[] { 2, 4 }, new float[] { 0, 1, 2, 3, 4, 5, 6, 7 }, x[..^1]);
        Expect.Values(new long[] { 2, 4 }, new float[] { 4, 5, 6, 7, 8, 9, 10, 11 }, x[1..100]); // clamped, as in Python
        Assert.Equal(new long[] { 0, 4 }, x[2..1].Shape);
        Expect.Values(new long[] { 2, 2 }, new float[] { 0, 2, 8, 10 }, x[TensorIndex.Step(.., 2), TensorIndex.Step(.., 2)]);
        Expect.Values(new long[] { 2 }, new float[] { 9, 10 }, x[2, 1..3]);
        Assert.Equal(new long[] { 3, 4 }, x[Array.Empty<TensorIndex>()].Shape);
    }

    [Fact]
    public void SliceSelectNarrowAndIndexSelect()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(3, 4);
        Expect.Values(new long[] { 3, 2 }, new float[] { 0, 2, 4, 6, 8, 10 }, x.Slice(1, 0, 4, 2));
        Expect.Values(new long[] { 3 }, new float[] { 1, 5, 9 }, x.Select(1, 1));
        Expect.Values(new long[] { 2, 4 }, new float[] { 4, 5, 6, 7, 8, 9, 10, 11 }, x.Narrow(0, 1, 2));
        var rows = x.IndexSelect(0, Tensor.FromArray(new long[] { 2, 0, 2 }));
        Expect.Values(new long[] { 3, 4 }, new float[] { 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11 }, rows);
    }

    [Fact]
    public void CatJoinsAndStackAddsADimension()
    {
        using var scope = new TensorScope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6 }, 1, 2);
        Expect.Values(new long[] { 3, 2 }, new float[] { 1, 2, 3, 4, 5, 6 }, Tensors.Cat(new[] { a, b }));
        var c = Tensor.FromArray(new float[] { 7, 8 }, 2, 1);
        Expect.Values(new long[] { 2, 3 }, new float[] { 1, 2, 7, 3, 4, 8 }, Tensors.Cat(new[] { a, c }, 1));

        var u = Tensor.FromArray(new float[] { 1, 2 });
        var v = Tensor.FromArray(new float[] { 3, 4 });
        Expect.Values(new long[] { 2, 2 }, new float[] { 1, 2, 3, 4 }, Tensors.Stack(new[] { u, v }));
        Expect.Values(new long[] { 2, 2 }, new float[] { 1, 3, 2, 4 }, Tensors.Stack(new[] { u, v }, 1));
    }

    [Fact]
    public void ChunkSplitsWithASmallerLastPiece()
    {
        using var scope = new TensorScope();
        var pieces = Expect.Iota(5).Chunk(3);
        Assert.Equal(3, pieces.Length);
        Assert.Equal(new float[] { 0, 1 }, pieces[0].ToArray<float>());
        Assert.Equal(new float[] { 2, 3 }, pieces[1].ToArray<float>());
        Assert.Equal(new float[] { 4 }, pieces[2].ToArray<float>());
        Assert.Equal(2, Expect.Iota(2, 4).Chunk(2, 1)[1].Size(1));
    }

    [Fact]
    public void GatherPicksAlongADimension()
    {
        using var scope = new TensorScope();
        var src = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var index = Tensor.FromArray(new long[] { 0, 0, 1, 0 }, 2, 2);
        Expect.Values(new long[] { 2, 2 }, new float[] { 1, 1, 4, 3 }, src.Gather(1, index));
        Expect.Values(new long[] { 2, 2 }, new float[] { 1, 2, 3, 2 }, src.Gather(0, index));
        // the common use: the logit of each sample's label
        var labels = Tensor.FromArray(new long[] { 1, 0 }, 2, 1);
        Expect.Values(new long[] { 2, 1 }, new float[] { 2, 3 }, src.Gather(1, labels));
    }

    [Fact]
    public void ScatterWritesAndScatterAddAccumulates()
    {
        using var scope = new TensorScope();
        var zeros = Tensors.Zeros(2, 3);
        var index = Tensor.FromArray(new long[] { 2, 0 }, 2, 1);
        var src = Tensor.FromArray(new float[] { 5, 7 }, 2, 1);
        Expect.Values(new long[] { 2, 3 }, new float[] { 0, 0, 5, 7, 0, 0 }, zeros.Scatter(1, index, src));
        Expect.Values(new long[] { 2, 3 }, new float[] { 0, 0, 1, 1, 0, 0 }, zeros.Scatter(1, index, 1.0));
        Assert.Equal(new float[6], zeros.ToArray<float>()); // out of place

        var acc = Tensors.Zeros(3).ScatterAdd(0, Tensor.FromArray(new long[] { 0, 0, 2 }), Tensor.FromArray(new float[] { 1, 2, 3 }));
        Assert.Equal(new float[] { 3, 0, 3 }, acc.ToArray<float>());
    }

    [Fact]
    public void MaskedOpsAndWhere()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, -2, 3, -4 });
        var negative = x < 0;
        Assert.Equal(new float[] { 1, 0, 3, 0 }, x.MaskedFill(negative, 0).ToArray<float>());
        Assert.Equal(new float[] { -2, -4 }, x.MaskedSelect(negative).ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 3, 4 }, Tensors.Where(negative, -x, x).ToArray<float>());
        // a broadcast mask fills whole columns
        var m = Tensor.FromArray(new[] { true, false });
        Expect.Values(new long[] { 2, 2 }, new float[] { 9, 1, 9, 3 }, Expect.Iota(2, 2).MaskedFill(m, 9));
        x.MaskedFill_(negative, 7);
        Assert.Equal(new float[] { 1, 7, 3, 7 }, x.ToArray<float>());
    }

    [Fact]
    public void FlipAndRoll()
    {
        using var scope = new TensorScope();
        var x = Expect.Iota(2, 3);
        Expect.Values(new long[] { 2, 3 }, new float[] { 2, 1, 0, 5, 4, 3 }, x.Flip(1));
        Expect.Values(new long[] { 2, 3 }, new float[] { 5, 4, 3, 2, 1, 0 }, x.Flip(0, 1));
        Expect.Values(new long[] { 2, 3 }, new float[] { 2, 0, 1, 5, 3, 4 }, x.Roll(1, 1));
        Expect.Values(new long[] { 2, 3 }, new float[] { 1, 2, 0, 4, 5, 3 }, x.Roll(-1, 1));
    }

    [Fact]
    public void AliasSharesTheTensorButNotTheHandle()
    {
        using var scope = new TensorScope();
        var x = Tensors.Zeros(2);
        var alias = x.Alias();
        x.Dispose();
        alias.Fill_(3);
        Assert.Equal(new float[] { 3, 3 }, alias.ToArray<float>());
    }
}
