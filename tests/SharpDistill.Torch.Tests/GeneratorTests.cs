namespace SharpDistill.Torch.Tests;

public class GeneratorTests
{
    private static float[] Randn(Generator g) => Tensors.Randn(new long[] { 64 }, g).ToArray<float>();

    [Fact]
    public void TheSameSeedGivesTheSameNumbers()
    {
        using var scope = new TensorScope();
        using var a = new Generator(42);
        using var b = new Generator(42);
        Assert.Equal(Randn(a), Randn(b));
        Assert.Equal(Randn(a), Randn(b)); // and the sequences continue in step
    }

    [Fact]
    public void DifferentSeedsAndSuccessiveDrawsDiffer()
    {
        using var scope = new TensorScope();
        using var a = new Generator(1);
        using var b = new Generator(2);
        var first = Randn(a);
        Assert.NotEqual(first, Randn(b));
        Assert.NotEqual(first, Randn(a));
    }

    [Fact]
    public void ReseedingRestartsTheSequence()
    {
        using var scope = new TensorScope();
        using var g = new Generator(7);
        var first = Randn(g);
        Randn(g);
        g.ManualSeed(7);
        Assert.Equal(first, Randn(g));
    }

    [Fact]
    public void SavedStateReplaysTheSequence()
    {
        using var scope = new TensorScope();
        using var g = new Generator(11);
        Randn(g);
        var state = g.GetState();
        Assert.Equal(DType.UInt8, state.DType);
        var next = Randn(g);
        Randn(g);
        g.SetState(state);
        Assert.Equal(next, Randn(g));
    }

    [Fact]
    public void EveryRandomOperationFollowsTheGenerator()
    {
        using var scope = new TensorScope();
        object[] Draw(ulong seed)
        {
            using var g = new Generator(seed);
            return new object[]
            {
                Tensors.Rand(new long[] { 8 }, g).ToArray<float>(),
                Tensors.RandInt(0, 1000, new long[] { 8 }, g).ToArray<long>(),
                Tensors.RandPerm(8, g).ToArray<long>(),
                Tensors.Zeros(8).Normal_(1, 2, g).ToArray<float>(),
                Tensors.Zeros(8).Uniform_(-1, 1, g).ToArray<float>(),
                Tensors.Zeros(64).Bernoulli_(0.5, g).ToArray<float>(),
            };
        }
        var one = Draw(3);
        var two = Draw(3);
        var other = Draw(4);
        for (var i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], two[i]);
            Assert.NotEqual(one[i], other[i]);
        }
    }

    [Fact]
    public void ManualSeedMakesTheDefaultGeneratorReproducible()
    {
        using var scope = new TensorScope();
        TorchRuntime.ManualSeed(123);
        var first = Tensors.Randn(new long[] { 32 }).ToArray<float>();
        TorchRuntime.ManualSeed(123);
        Assert.Equal(first, Tensors.Randn(new long[] { 32 }).ToArray<float>());
        TorchRuntime.ManualSeed(124);
        Assert.NotEqual(first, Tensors.Randn(new long[] { 32 }).ToArray<float>());
    }

    [Fact]
    public void AGeneratorIsIndependentOfTheDefaultOne()
    {
        using var scope = new TensorScope();
        using var g = new Generator(5);
        var alone = Randn(g);
        g.ManualSeed(5);
        TorchRuntime.ManualSeed(99);
        Tensors.Randn(new long[] { 100 }); // draws from the default generator in between
        Assert.Equal(alone, Randn(g));
    }
}
