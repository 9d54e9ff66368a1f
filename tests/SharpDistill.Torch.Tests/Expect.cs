namespace SharpDistill.Torch.Tests;

/// <summary>Value assertions for tensors: shape and elements against hand-computed numbers.</summary>
internal static class Expect
{
    /// <summary>Every element within tol·(1 + |expected|) of the expected value, compared in float64.</summary>
    public static void Close(double[] expected, Tensor actual, double tol = 1e-6)
    {
        using var asDouble = actual.To(DType.Float64);
        var values = asDouble.ToArray<double>();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
            Close(expected[i], values[i], tol, $"element {i}");
    }

    public static void Close(double expected, Tensor actual, double tol = 1e-6)
    {
        Assert.Equal(1, actual.NumEl);
        Close(expected, actual.ToDouble(), tol, "value");
    }

    public static void Close(double expected, double actual, double tol, string what = "value")
    {
        var ok = expected == actual || Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected));
        if (!ok) Assert.Fail($"{what}: expected {expected:R}, got {actual:R}");
    }

    /// <summary>Shape and exact float32 elements.</summary>
    public static void Values(long[] shape, float[] expected, Tensor actual)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(expected, actual.ToArray<float>());
    }

    public static void Bools(bool[] expected, Tensor actual)
    {
        Assert.Equal(DType.Bool, actual.DType);
        Assert.Equal(expected, actual.ToArray<bool>());
    }

    /// <summary>float32 tensor [0, 1, ..., n-1] viewed as <paramref name="shape"/>.</summary>
    public static Tensor Iota(params long[] shape)
    {
        var n = shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (var i = 0; i < n; i++) data[i] = i;
        return Tensor.FromArray(data, shape);
    }
}

