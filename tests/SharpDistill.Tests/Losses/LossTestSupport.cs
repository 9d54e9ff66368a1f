using SharpDistill.Torch;

namespace SharpDistill.Tests.Losses;

/// <summary>Shared helpers of the loss tests: reference files, leak counts, tensors, finite differences.</summary>
internal static class LossTestSupport
{
    /// <summary>tests/data/vectors/losses.json: values and gradients from the published implementations.</summary>
    public static string LossVectorsPath() => RepoPaths.Vectors("losses.json");

    /// <summary>A reproducible float64 matrix of N(0, scale²) entries.</summary>
    public static Tensor Randn(ulong seed, long rows, long columns, double scale = 1.0, DType dtype = DType.Float64)
    {
        using var generator = new Generator(seed);
        using var unit = Tensors.Randn(new[] { rows, columns }, generator, DType.Float64);
        using var scaled = unit * scale;
        return scaled.To(dtype);
    }

    public static Tensor Labels(params long[] labels) => Tensor.FromArray(labels);

    public static double Value(Tensor t)
    {
        using var d = t.Detach();
        using var f = d.To(DType.Float64);
        return f.ToDouble();
    }

    public static double[] Values(Tensor t)
    {
        using var d = t.Detach();
        using var f = d.To(DType.Float64);
        return f.ToArray<double>();
    }

    /// <summary>∂ loss(x) / ∂x by autograd, for a float64 leaf x.</summary>
    public static double[] AutogradGradient(Tensor x, Func<Tensor, Tensor> loss)
    {
        using var scope = new TensorScope();
        var leaf = x.Detach().Clone().RequiresGrad_();
        var value = loss(leaf);
        var grads = Autograd.Grad(new[] { value }, new[] { leaf });
        return grads[0] is { } g ? Values(g) : new double[x.NumEl];
    }

    /// <summary>Central finite differences of loss(x) in float64, step h.</summary>
    public static double[] FiniteDifferenceGradient(Tensor x, Func<Tensor, Tensor> loss, double h = 1e-6)
    {
        var shape = x.Shape;
        var baseValues = Values(x);
        var gradient = new double[baseValues.Length];
        for (var k = 0; k < baseValues.Length; k++)
        {
            gradient[k] = (Evaluate(k, +h) - Evaluate(k, -h)) / (2 * h);
        }
        return gradient;

        double Evaluate(int k, double delta)
        {
            using var scope = new TensorScope();
            var shifted = (double[])baseValues.Clone();
            shifted[k] += delta;
            using var noGrad = Autograd.NoGrad();
            return Value(loss(Tensor.FromArray(shifted, shape)));
        }
    }

    public static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = expected.Select(Math.Abs).DefaultIfEmpty(0).Max();
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).DefaultIfEmpty(0).Max();
        Assert.True(worst <= tolerance * Math.Max(scale, 1e-300),
            $"{what}: max |difference| {worst:E3} exceeds {tolerance:E1} × max |expected| {scale:E3}");
    }
}
