using SharpDistill.Torch.NN;

namespace SharpDistill.Torch.Tests.Engine;

/// <summary>Folding eval-mode batch norms into the convolutions that feed them, on small hand-built chains.</summary>
public class BatchNormFoldingTests
{
    private static BatchNorm2d RandomNorm(long channels, ulong seed, bool affine = true)
    {
        var norm = new BatchNorm2d(channels, affine: affine);
        using var generator = new Generator(seed);
        using var noGrad = Autograd.NoGrad();
        using var scope = new TensorScope();
        norm.RunningMean.Copy_(Tensors.Randn([channels], generator));
        norm.RunningVar.Copy_(Tensors.Rand([channels], generator) + 0.3);
        if (affine)
        {
            norm.Weight!.Copy_(Tensors.Randn([channels], generator));
            norm.Bias!.Copy_(Tensors.Randn([channels], generator));
        }
        return norm;
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void AConvolutionFollowedByABatchNormFoldsIntoOneLayer(bool convBias, bool affine)
    {
        using var scope = new TensorScope();
        using var chain = new Sequential(new Conv2d(3, 6, 3, padding: 1, bias: convBias), RandomNorm(6, 2, affine), new ReLU());
        chain.Eval();
        var input = Tensors.Randn([2, 3, 7, 7], new Generator(3));
        Tensor plain;
        using (Autograd.NoGrad()) plain = chain.Forward(input);

        var folded = BatchNormFolding.Fold(chain, () => chain.Forward(input));

        Assert.Equal(1, folded);
        var conv = (Conv2d)chain[0];
        Assert.NotNull(conv.Bias);
        Assert.True(((BatchNorm2d)chain[1]).IsFolded);
        using var after = chain.Forward(input);
        Assert.True(after.AllClose(plain, rtol: 1e-5, atol: 1e-5));
        Assert.Throws<InvalidOperationException>(() => chain.Train());
    }

    [Fact]
    public void ABatchNormThatReadsSomethingElseOrAnOutputUsedElsewhereStays()
    {
        using var scope = new TensorScope();
        using var conv = new Conv2d(3, 4, 3, padding: 1);
        using var afterRelu = RandomNorm(4, 4);
        using var conv2 = new Conv2d(4, 4, 1);
        using var shared = RandomNorm(4, 5);
        var input = Tensors.Randn([1, 3, 5, 5], new Generator(6));
        var probeCount = 0;
        var folded = BatchNormFolding.Fold(conv, () =>
        {
            probeCount++;
            using var h = conv.Forward(input);
            using var r = F.Relu(h);
            using var a = afterRelu.Forward(r);          // reads an activation: not foldable
            using var c = conv2.Forward(a);
            BatchNormFolding.NoteOtherUse(c);            // e.g. a residual input
            using var b = shared.Forward(c);             // reads a convolution whose output is used elsewhere
        });
        Assert.Equal(1, probeCount);
        Assert.Equal(0, folded);
        Assert.False(afterRelu.IsFolded);
        Assert.False(shared.IsFolded);
    }
}
