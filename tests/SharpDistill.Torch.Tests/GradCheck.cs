namespace SharpDistill.Torch.Tests;

/// <summary>
/// Compares the gradients autograd computes (Backward) with float64 central finite differences.
/// </summary>
/// <remarks>
/// A non-scalar output is reduced to a scalar with a fixed pseudo-random projection,
/// L = Σ f(x) ⊙ W, so every output element enters with its own weight and a gradient that is
/// wrong for only some outputs (or has two outputs swapped) cannot cancel out. Each input element
/// is then perturbed by ±eps and (L(x+eps) − L(x−eps)) / 2eps is compared with ∂L/∂x from Backward.
/// In float64 with eps = 1e-6 the difference error is ~1e-10 for smooth functions, far inside the
/// 1e-6 tolerance; a real gradient bug is many orders of magnitude larger.
/// </remarks>
internal static class GradCheck
{
    /// <summary>
    /// Checks the gradient of <paramref name="f"/> with respect to every one of
    /// <paramref name="inputs"/> (float64; other arguments such as targets are captured by f).
    /// Throws (fails the test) naming the input, element and both values at the first mismatch.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-6, double atol = 1e-6, double rtol = 1e-6)
    {
        foreach (var input in inputs)
            if (input.DType != DType.Float64)
                throw new ArgumentException($"GradCheck needs float64 inputs, got {input.DType}");

        using var scope = new TensorScope();
        var baseValues = inputs.Select(t => t.ToArray<double>()).ToArray();
        var shapes = inputs.Select(t => t.Shape).ToArray();

        var leaves = inputs.Select(t => t.Detach().Clone().RequiresGrad_()).ToArray();
        var output = f(leaves);
        using var generator = new Generator(20240229);
        var projection = Tensors.Randn(output.Shape, generator, DType.Float64);
        (output * projection).Sum().Backward();

        for (var k = 0; k < inputs.Length; k++)
        {
            var grad = leaves[k].Grad;
            var analytic = grad?.ToArray<double>() ?? new double[baseValues[k].Length];
            for (var i = 0; i < analytic.Length; i++)
            {
                var plus = Evaluate(f, baseValues, shapes, projection, k, i, +eps);
                var minus = Evaluate(f, baseValues, shapes, projection, k, i, -eps);
                var numeric = (plus - minus) / (2 * eps);
                if (Math.Abs(analytic[i] - numeric) > atol + rtol * Math.Abs(numeric))
                    throw new GradCheckException(
                        $"input {k}, element {i}: analytic gradient {analytic[i]:R}, numeric {numeric:R} " +
                        $"(difference {Math.Abs(analytic[i] - numeric):E2})");
            }
        }
    }

    /// <summary>L with element <paramref name="index"/> of input <paramref name="which"/> moved by delta.</summary>
    private static double Evaluate(Func<Tensor[], Tensor> f, double[][] values, long[][] shapes, Tensor projection,
        int which, int index, double delta)
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var args = new Tensor[values.Length];
        for (var k = 0; k < values.Length; k++)
        {
            var data = values[k];
            if (k == which)
            {
                data = (double[])data.Clone();
                data[index] += delta;
            }
            args[k] = Tensor.FromSpan<double>(data, shapes[k]);
        }
        return (f(args) * projection).Sum().ToDouble();
    }
}

public sealed class GradCheckException(string message) : Exception(message);
