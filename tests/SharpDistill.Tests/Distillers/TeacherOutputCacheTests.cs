using SharpDistill.Distillers;
using SharpDistill.Models;
using SharpDistill.TestSupport;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Distillers;

public class TeacherOutputCacheTests
{
    private static int calls;

    private static Tensor Random(params long[] shape)
    {
        using var generator = new Generator(7);
        return Tensors.Randn(shape, generator);
    }

    private static ModelOutput Teacher(Tensor input)
    {
        calls++;
        return new ModelOutput((input * 2.0).Sum(new long[] { 1 }), [], [], input.Mean(new long[] { 1 }, keepDim: true));
    }

    [Fact]
    public void AnInputSeenBeforeReturnsTheSameBitsWithoutComputing()
    {
        using var scope = new TensorScope();
        using var cache = new TeacherOutputCache();
        var input = Random(4, 3);
        calls = 0;
        var first = cache.GetOrCompute(input, Teacher);
        var again = cache.GetOrCompute(input.Clone(), Teacher);
        Assert.Equal(1, calls);
        Assert.Equal(first.Logits.ToArray<float>(), again.Logits.ToArray<float>());
        Assert.Equal(first.Pooled.ToArray<float>(), again.Pooled.ToArray<float>());
        Assert.Equal((1, 1), (cache.Hits, cache.Misses));
        Assert.Contains("1 of 2 teacher batches reused", cache.Summary());
    }

    [Fact]
    public void AnyDifferenceInBytesShapeOrDTypeIsAMiss()
    {
        using var scope = new TensorScope();
        using var cache = new TeacherOutputCache();
        var input = Random(4, 3);
        calls = 0;
        cache.GetOrCompute(input, Teacher);
        var values = input.ToArray<float>();
        values[5] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(values[5]) ^ 1); // one bit of one element
        cache.GetOrCompute(Tensor.FromArray(values, 4, 3), Teacher);
        cache.GetOrCompute(input.Reshape(3, 4), Teacher);
        cache.GetOrCompute(input.To(DType.Float64), Teacher);
        Assert.Equal(4, calls);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void AFullCacheStopsRememberingButStillAnswers()
    {
        using var scope = new TensorScope();
        using var cache = new TeacherOutputCache(capacityBytes: 0);
        var input = Random(4, 3);
        calls = 0;
        var first = cache.GetOrCompute(input, Teacher).Logits.ToArray<float>();
        var second = cache.GetOrCompute(input, Teacher).Logits.ToArray<float>();
        Assert.Equal(2, calls);
        Assert.Equal(first, second);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TheCacheOwnsItsCopiesAndFreesThemOnDispose()
    {
        var before = LiveTensors.Settled();
        using (var scope = new TensorScope())
        using (var cache = new TeacherOutputCache())
        {
            var input = Random(2, 2);
            cache.GetOrCompute(input, Teacher);
            Assert.Equal(1, cache.Count);
        }
        Assert.Equal(before, LiveTensors.Settled());
    }
}
