namespace SharpDistill.Torch.Demo;

/// <summary>
/// A synthetic four-class image problem: each single-channel image is Gaussian noise plus a random
/// global brightness offset, and one of its four quadrants (the class: 0 top-left, 1 top-right,
/// 2 bottom-left, 3 bottom-right) is brighter. The offset means a network has to compare regions
/// rather than threshold raw intensities. Separable, so a working engine must learn it almost perfectly.
/// </summary>
public static class QuadrantImages
{
    public const int Classes = 4;

    /// <summary>
    /// <paramref name="count"/> images [count, 1, size, size] (float32) and labels [count] (int64),
    /// drawn from <paramref name="generator"/>. Owned by the caller (or the current scope).
    /// </summary>
    public static (Tensor Images, Tensor Labels) Generate(int count, int size, Generator generator, double brightness = 1.0, double noise = 0.8)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one image is needed");
        if (size < 2 || size % 2 != 0) throw new ArgumentOutOfRangeException(nameof(size), size, "the image size must be even and ≥ 2");
        using var scope = new TensorScope();
        var labels = Tensors.RandInt(0, Classes, new long[] { count }, generator);
        var masks = QuadrantMasks(size).Mul(brightness);
        var offsets = Tensors.Rand(new long[] { count, 1, 1, 1 }, generator).Add(-0.5);
        var images = Tensors.Randn(new long[] { count, 1, size, size }, generator).Mul(noise)
            .Add(offsets)
            .Add(masks.IndexSelect(0, labels));
        return (images.MoveToOuterScope(), labels.MoveToOuterScope());
    }

    /// <summary>[4, 1, size, size]: mask k is 1 on quadrant k and 0 elsewhere.</summary>
    private static Tensor QuadrantMasks(int size)
    {
        var half = size / 2;
        var values = new float[Classes * size * size];
        for (var k = 0; k < Classes; k++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var quadrant = (y < half ? 0 : 2) + (x < half ? 0 : 1);
                    if (quadrant == k) values[(k * size + y) * size + x] = 1;
                }
        return Tensor.FromArray(values, Classes, 1, size, size);
    }
}
