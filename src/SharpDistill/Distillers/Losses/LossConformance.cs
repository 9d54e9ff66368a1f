using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Checks this library's loss functions against a reference-vector file such as
/// tests/data/vectors/losses.json (tests/data/README.md): every case's loss terms, masks and gradients are
/// recomputed and compared with the reference values (float64, from the published implementations).
/// Used by the tests and by the <c>sharpdistill conformance &lt;file&gt;</c> command.
/// </summary>
/// <remarks>
/// Error measure, per quantity: the absolute error is the largest entrywise difference; the relative
/// error divides it by the largest reference magnitude (a norm-wise relative error, which is not
/// dominated by cancellation noise in near-zero gradient entries). A reference that is zero up to
/// rounding, such as DCD's ∂L/∂b ≈ 1e-16, has no meaningful relative error and is compared
/// absolutely. Masks (plain lists) must match exactly.
/// </remarks>
public static class LossConformance
{
    /// <summary>The relative tolerance required in float64.</summary>
    public const double Float64Tolerance = 1e-6;

    /// <summary>
    /// The relative tolerance used in float32. Inputs are exactly representable in float32, so the
    /// error comes from float32 arithmetic (unit roundoff 6e-8) amplified by the temperature
    /// scaling, the log-sum-exps and the gradients' cancellations; on tests/data/vectors/losses.json the
    /// worst measured relative error on the CPU is 8e-7 (a DCD head-bias gradient), so 1e-5 leaves
    /// an order of magnitude for other kernels (oneDNN versions, GPUs).
    /// </summary>
    public const double Float32Tolerance = 1e-5;

    /// <summary>References with no entry larger than this are treated as exact zeros (compared absolutely).</summary>
    public const double ZeroReference = 1e-12;

    /// <summary>The methods this library can check.</summary>
    public static IReadOnlyCollection<string> Methods => MethodRegistry.All.Where(m => m.Conformance != null).Select(m => m.Name).ToArray();

    public static double DefaultTolerance(DType dtype) => dtype switch
    {
        DType.Float64 => Float64Tolerance,
        DType.Float32 => Float32Tolerance,
        _ => throw new ArgumentException($"loss conformance runs in Float64 or Float32, not {dtype}", nameof(dtype)),
    };

    /// <summary>Evaluates every case of the file at <paramref name="path"/> in <paramref name="dtype"/>.</summary>
    /// <param name="tolerance">Relative tolerance; the dtype's default when null.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or a case is malformed (names the case and key).</exception>
    public static ConformanceReport Run(string path, DType dtype = DType.Float64, double? tolerance = null)
    {
        var tol = tolerance ?? DefaultTolerance(dtype);
        if (!(tol >= 0)) throw new ArgumentException($"tolerance must be ≥ 0, got {tol}", nameof(tolerance));
        var file = LossVectorFile.Load(path);
        var cases = file.Cases.Select(c => Evaluate(c, dtype, tol)).ToList();
        var methods = cases.GroupBy(c => c.Method).Select(Summarise).ToList();
        return new ConformanceReport(file.Path, dtype, tol, methods, cases);
    }

    private static CaseConformance Evaluate(LossVectorCase c, DType dtype, double tolerance)
    {
        var evaluate = MethodRegistry.All.FirstOrDefault(m => m.Name == c.Method)?.Conformance;
        if (evaluate is null)
            return new CaseConformance(c.Index, c.Method, Array.Empty<QuantityConformance>(),
                $"no evaluator for method '{c.Method}' (known: {string.Join(", ", Methods)})");
        Dictionary<string, double[]> computed;
        try
        {
            computed = evaluate(c, dtype);
        }
        catch (ArgumentException e)
        {
            // The loss rejected the case's inputs: a conformance failure to report, not a crash.
            return new CaseConformance(c.Index, c.Method, Array.Empty<QuantityConformance>(), e.Message);
        }
        var quantities = c.OutputNames.Select(name => Compare(c, name, computed, tolerance)).ToList();
        return new CaseConformance(c.Index, c.Method, quantities);
    }

    private static QuantityConformance Compare(LossVectorCase c, string name, Dictionary<string, double[]> computed, double tolerance)
    {
        var (reference, _, exact) = c.Output(name);
        if (!computed.TryGetValue(name, out var actual))
            return new QuantityConformance(name, double.NaN, double.NaN, exact, false, "this library does not compute this output");
        if (actual.Length != reference.Length)
            return new QuantityConformance(name, double.NaN, double.NaN, exact, false,
                $"{actual.Length} values computed, {reference.Length} in the reference");
        double absolute = 0, scale = 0;
        for (var k = 0; k < reference.Length; k++)
        {
            var difference = Math.Abs(actual[k] - reference[k]);
            // NaN must fail: Math.Max propagates it.
            absolute = double.IsNaN(difference) ? double.NaN : Math.Max(absolute, difference);
            scale = Math.Max(scale, Math.Abs(reference[k]));
            if (double.IsNaN(absolute)) break;
        }
        var relative = scale > ZeroReference ? absolute / scale : absolute;
        var passed = exact ? absolute == 0 : relative <= tolerance;
        return new QuantityConformance(name, absolute, relative, exact, passed);
    }

    private static MethodConformance Summarise(IGrouping<string, CaseConformance> cases)
    {
        double worstAbsolute = 0, worstRelative = 0;
        var worstWhere = "";
        foreach (var c in cases)
        {
            if (c.Error is not null)
            {
                // A case that could not be evaluated has no error figure: report it as NaN.
                worstAbsolute = worstRelative = double.NaN;
                worstWhere = $"case {c.Index}: {c.Error}";
                continue;
            }
            foreach (var q in c.Quantities)
            {
                if (double.IsNaN(q.AbsoluteError) || q.AbsoluteError > worstAbsolute) worstAbsolute = q.AbsoluteError;
                if (double.IsNaN(q.RelativeError) || q.RelativeError > worstRelative)
                {
                    worstRelative = q.RelativeError;
                    worstWhere = $"case {c.Index}: {q.Name}";
                }
            }
        }
        return new MethodConformance(cases.Key, cases.Count(), worstAbsolute, worstRelative, worstWhere, cases.All(c => c.Passed));
    }
}
