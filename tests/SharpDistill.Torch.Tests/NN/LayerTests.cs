using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.NN;

public class LayerTests
{
    private static Tensor Grid4x4() => Tensors.Arange(0, 16, dtype: DType.Float32).View(1, 1, 4, 4);

    [Fact]
    public void Conv2dComputesAHandCheckedSumAndShape()
    {
        using var scope = new TensorScope();
        using var conv = new Conv2d(1, 2, 3, padding: 1);
        using (Autograd.NoGrad())
        {
            conv.Weight.Fill_(1);
            conv.Bias!.Copy_(Tensor.FromArray(new float[] { 0, 10 }));
        }
        var y = conv.Forward(Grid4x4());
        Assert.Equal(new long[] { 1, 2, 4, 4 }, y.Shape);
        // Top-left output with zero padding: 0 + 1 + 4 + 5; centre (1,1): sum of 0..2, 4..6, 8..10.
        Assert.Equal(10f, y[0, 0, 0, 0].ToSingle());
        Assert.Equal(45f, y[0, 0, 1, 1].ToSingle());
        Assert.Equal(55f, y[0, 1, 1, 1].ToSingle());
        using var strided = new Conv2d(1, 4, 3, stride: 2, bias: false);
        Assert.Null(strided.Bias);
        Assert.Equal(new long[] { 1, 4, 1, 1 }, strided.Forward(Grid4x4()).Shape);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2));
    }

    [Fact]
    public void LinearIsXWTransposedPlusB()
    {
        using var scope = new TensorScope();
        using var linear = new Linear(2, 3);
        using (Autograd.NoGrad())
        {
            linear.Weight.Copy_(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2));
            linear.Bias!.Copy_(Tensor.FromArray(new float[] { 0.5f, -1, 0 }));
        }
        var y = linear.Forward(Tensor.FromArray(new float[] { 1, -1 }, 1, 2));
        Assert.Equal(new float[] { -0.5f, -2, -1 }, y.ToArray<float>());
        Assert.ThrowsAny<TorchException>(() => linear.Forward(Tensors.Zeros(1, 3)));
    }

    [Fact]
    public void ActivationsPoolsFlattenAndIdentity()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -2, -0.5f, 0, 3, 7, 6.5f });
        Assert.Equal(new float[] { 0, 0, 0, 3, 7, 6.5f }, new ReLU().Forward(x).ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 0, 3, 6, 6 }, new ReLU6().Forward(x).ToArray<float>());

        var grid = Grid4x4();
        Assert.Equal(new float[] { 5, 7, 13, 15 }, new MaxPool2d(2).Forward(grid).ToArray<float>());
        Assert.Equal(new float[] { 2.5f, 4.5f, 10.5f, 12.5f }, new AvgPool2d(2).Forward(grid).ToArray<float>());
        // 3×3 windows, stride 1, padding 1: the corner window holds 0, 1, 4, 5 and five zeros.
        Assert.Equal(10f / 9, new AvgPool2d(3, 1, 1).Forward(grid)[0, 0, 0, 0].ToSingle(), 5);
        Assert.Equal(10f / 4, new AvgPool2d(3, 1, 1, countIncludePad: false).Forward(grid)[0, 0, 0, 0].ToSingle(), 5);
        Assert.Equal(new float[] { 7.5f }, new AdaptiveAvgPool2d(1).Forward(grid).ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 2, 1 }, new AdaptiveAvgPool2d(2, 1).Forward(grid).Shape);
        Assert.Equal(new long[] { 1, 16 }, new Flatten().Forward(grid).Shape);
        Assert.Equal(new long[] { 16 }, new Flatten(0).Forward(grid).Shape);

        var same = new Identity().Forward(grid);
        Assert.NotSame(grid, same);
        same.Dispose();
        Assert.False(grid.IsDisposed);
        Assert.Equal(120f, grid.Sum().ToSingle());
    }

    [Fact]
    public void DropoutRejectsBadProbabilities()
    {
        Assert.Throws<ArgumentException>(() => new Dropout(1.5));
        Assert.Throws<ArgumentException>(() => new Dropout(-0.1));
    }

    [Fact]
    public void SequentialRunsInOrderAndNeverDisposesItsInput()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -1, 2, 9 });
        using var seq = new Sequential(new Identity(), new ReLU(), new ReLU6(), new Identity());
        Assert.Equal(4, seq.Count);
        Assert.Equal(new float[] { 0, 2, 6 }, seq.Forward(x).ToArray<float>());

        using var passThrough = new Sequential(new PassThrough(), new PassThrough());
        var y = passThrough.Forward(x);
        Assert.NotSame(x, y);
        y.Dispose();
        Assert.False(x.IsDisposed);

        using var empty = new Sequential();
        var z = empty.Forward(x);
        z.Dispose();
        Assert.False(x.IsDisposed);
    }

    /// <summary>A layer that hands back its input object itself.</summary>
    private sealed class PassThrough : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void SequentialDoesNotLeakIntermediates()
    {
        using var seq = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(8, 2));
        using var x = Tensors.Randn(new long[] { 1, 1, 4, 4 });
        var baseline = LiveTensors.Settled();
        using (Autograd.NoGrad())
        {
            var y = seq.Forward(x);
            Assert.Equal(baseline + 1, TorchRuntime.LiveTensorCount);
            y.Dispose();
        }
        Assert.Equal(baseline, TorchRuntime.LiveTensorCount);
    }
}
