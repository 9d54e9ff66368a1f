using SharpDistill.Torch;

namespace SharpDistill.Torch.Tests;

public class SoftRankTests
{
    private static readonly double[] ReadmeExample = { 8, 0, 5, 3, 2, 1, 6, 7, 9 };

    private static double[] Ranks(double[] values, double strength, SoftRankRegularization regularization = SoftRankRegularization.L2)
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(values);
        return SoftRank.Compute(x, strength, regularization).ToArray<double>();
    }

    private static void AssertAll(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"entry {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void ReproducesTheTorchsortReadmeExample()
    {
        // docs/methods/cmkd.md: θ = [8,0,5,3,2,1,6,7,9] with ε = 1 gives the exact ranks.
        AssertAll(new double[] { 8, 1, 5, 4, 3, 2, 6, 7, 9 }, Ranks(ReadmeExample, 1.0), 1e-12);
    }

    [Fact]
    public void LargeStrengthMergesEverythingIntoAnAffineMap()
    {
        // One PAV block: r = θ/ε − mean(θ/ε) + (n + 1)/2 (docs/methods/cmkd.md), i.e. 5.3444, 4.5444, ... for ε = 10.
        var mean = ReadmeExample.Average();
        var expected = ReadmeExample.Select(v => v / 10 - mean / 10 + 5).ToArray();
        AssertAll(expected, Ranks(ReadmeExample, 10.0), 1e-12);
        Assert.Equal(5.3444, Ranks(ReadmeExample, 10.0)[0], 4);
    }

    [Fact]
    public void TwoValuesByHand()
    {
        // L2, n = 2, s1 − s2 = 0.5 ≤ 1: one block, ranks (±(s1 − s2) + 3)/2.
        AssertAll(new[] { 1.25, 1.75 }, Ranks(new[] { 0.0, 0.5 }, 1.0), 1e-12);
        // KL, s1 − s2 = 0.5 ≤ log 2: one block, ranks 3·softmax(s).
        var e = Math.Exp(0.5);
        AssertAll(new[] { 3 / (1 + e), 3 * e / (1 + e) }, Ranks(new[] { 0.0, 0.5 }, 1.0, SoftRankRegularization.Kl), 1e-12);
        // Gaps larger than the thresholds: exact ranks for both.
        AssertAll(new[] { 2.0, 1.0 }, Ranks(new[] { 3.0, 0.0 }, 1.0), 1e-12);
        AssertAll(new[] { 2.0, 1.0 }, Ranks(new[] { 3.0, 0.0 }, 1.0, SoftRankRegularization.Kl), 1e-12);
    }

    [Theory]
    [InlineData(SoftRankRegularization.L2)]
    [InlineData(SoftRankRegularization.Kl)]
    public void SmallStrengthGivesHardRanksWithZeroGradient(SoftRankRegularization regularization)
    {
        using var scope = new TensorScope();
        using var generator = new Generator(3);
        var x = Tensors.Randn(new long[] { 4, 7 }, generator, DType.Float64).RequiresGrad_();
        var (ranks, blocks) = SoftRank.ComputeWithBlocks(x, 1e-4, regularization);
        // Hard ranks: the inverse of the sorting permutation, plus one.
        var (_, order) = x.Detach().Sort(1);
        var (_, inverse) = order.Sort(1);
        var hard = (inverse.To(DType.Float64) + 1.0).ToArray<double>();
        AssertAll(hard, ranks.ToArray<double>(), 1e-9);
        Assert.All(blocks.ToArray<long>(), b => Assert.Equal(7L, b));
        using var weights = Tensors.Randn(new long[] { 4, 7 }, generator, DType.Float64);
        var grad = Autograd.Grad(new[] { (ranks * weights).Sum() }, new[] { x })[0]!;
        Assert.All(grad.ToArray<double>(), g => Assert.Equal(0.0, g, 12));
    }

    [Theory]
    [InlineData(SoftRankRegularization.L2)]
    [InlineData(SoftRankRegularization.Kl)]
    public void LargeStrengthGivesUniformRanks(SoftRankRegularization regularization)
    {
        using var scope = new TensorScope();
        using var generator = new Generator(4);
        var x = Tensors.Randn(new long[] { 3, 6 }, generator, DType.Float64);
        var (ranks, blocks) = SoftRank.ComputeWithBlocks(x, 1e7, regularization);
        AssertAll(Enumerable.Repeat(3.5, 18).ToArray(), ranks.ToArray<double>(), 1e-5);
        Assert.All(blocks.ToArray<long>(), b => Assert.Equal(1L, b));
    }

    [Fact]
    public void TiedValuesShareTheirAverageRank()
    {
        AssertAll(new[] { 2.5, 1.0, 2.5, 4.0 }, Ranks(new[] { 1.0, -3.0, 1.0, 7.0 }, 1e-3), 1e-9);
    }

    [Theory]
    [InlineData(SoftRankRegularization.L2, 0.7)]
    [InlineData(SoftRankRegularization.L2, 0.3)]
    [InlineData(SoftRankRegularization.Kl, 0.5)]
    [InlineData(SoftRankRegularization.Kl, 3.0)]
    public void GradientMatchesFloat64FiniteDifferences(SoftRankRegularization regularization, double strength)
    {
        using var scope = new TensorScope();
        using var generator = new Generator(11);
        var x = Tensors.Randn(new long[] { 3, 8 }, generator, DType.Float64);
        var weights = Tensors.Randn(new long[] { 3, 8 }, generator, DType.Float64);
        double Objective(Tensor input)
        {
            using var inner = new TensorScope();
            return (SoftRank.Compute(input, strength, regularization) * weights).Sum().ToDouble();
        }

        var leaf = x.Clone().RequiresGrad_();
        var (ranks, blocks) = SoftRank.ComputeWithBlocks(leaf, strength, regularization);
        // The check is only meaningful where some but not all entries are pooled.
        Assert.Contains(blocks.ToArray<long>(), b => b > 1 && b < 8);
        var analytic = Autograd.Grad(new[] { (ranks * weights).Sum() }, new[] { leaf })[0]!.ToArray<double>();

        var values = x.ToArray<double>();
        const double h = 1e-6;
        for (var k = 0; k < values.Length; k++)
        {
            var plus = (double[])values.Clone();
            var minus = (double[])values.Clone();
            plus[k] += h;
            minus[k] -= h;
            var numeric = (Objective(Tensor.FromArray(plus, 3, 8)) - Objective(Tensor.FromArray(minus, 3, 8))) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[k]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"entry {k}: finite difference {numeric}, autograd {analytic[k]}");
        }
    }

    [Fact]
    public void RanksEachRowIndependentlyAndKeepsDtypeAndShape()
    {
        using var scope = new TensorScope();
        var rows = Tensor.FromArray(new float[] { 3, 1, 2, 10, 30, 20 }, 2, 3);
        var ranks = SoftRank.Compute(rows, 1e-3);
        Assert.Equal(DType.Float32, ranks.DType);
        Assert.Equal(new long[] { 2, 3 }, ranks.Shape);
        AssertAll(new double[] { 3, 1, 2, 1, 3, 2 }, ranks.ToArray<float>().Select(v => (double)v).ToArray(), 1e-5);
        var single = SoftRank.Compute(Tensor.FromArray(new double[] { 5, 4 }), 1e-3);
        Assert.Equal(new long[] { 2 }, single.Shape);
    }

    [Fact]
    public void Float32AgreesWithFloat64()
    {
        using var scope = new TensorScope();
        using var generator = new Generator(5);
        var x = Tensors.Randn(new long[] { 4, 10 }, generator, DType.Float64);
        var r64 = SoftRank.Compute(x, 0.5).ToArray<double>();
        var r32 = SoftRank.Compute(x.To(DType.Float32), 0.5).ToArray<float>();
        AssertAll(r64, r32.Select(v => (double)v).ToArray(), 1e-5);
    }

    [Fact]
    public void RejectsBadInputWithClearMessages()
    {
        using var scope = new TensorScope();
        var cube = Tensors.Zeros(new long[] { 2, 2, 2 }, DType.Float64);
        Assert.Contains("[rows, n]", Assert.Throws<TorchArgumentException>(() => SoftRank.Compute(cube)).Message);
        var integers = Tensor.FromArray(new long[] { 1, 2, 3 }, 1, 3);
        Assert.Contains("floating-point", Assert.Throws<TorchArgumentException>(() => SoftRank.Compute(integers)).Message);
        var x = Tensor.FromArray(new double[] { 1, 2, 3 }, 1, 3);
        Assert.Contains("strength", Assert.Throws<TorchArgumentException>(() => SoftRank.Compute(x, 0)).Message);
        Assert.Contains("strength", Assert.Throws<TorchArgumentException>(() => SoftRank.Compute(x, double.NaN)).Message);
        var nan = Tensor.FromArray(new double[] { 1, double.NaN, 3 }, 1, 3);
        Assert.Contains("finite", Assert.Throws<TorchArgumentException>(() => SoftRank.Compute(nan)).Message);
    }

    [Fact]
    public void RefusesSecondOrderGradients()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new double[] { 0.1, 0.3, 0.2 }, 1, 3).RequiresGrad_();
        var loss = SoftRank.Compute(x, 1.0).Square().Sum();
        var e = Assert.ThrowsAny<TorchException>(() => Autograd.Grad(new[] { loss }, new[] { x }, createGraph: true));
        Assert.Contains("first-order", e.Message);
    }

    [Fact]
    public void LeavesNoLiveTensors()
    {
        var baseline = LiveTensors.Settled();
        using (new TensorScope())
        {
            var x = Tensor.FromArray(new double[] { 0.1, 0.9, 0.4, 0.3 }, 2, 2).RequiresGrad_();
            var (ranks, blocks) = SoftRank.ComputeWithBlocks(x, 0.5, SoftRankRegularization.Kl);
            ranks.Sum().Backward();
            Assert.NotNull(x.Grad);
        }
        Assert.Equal(baseline, LiveTensors.Settled());
    }
}
