using System.Globalization;
using System.Text;
using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>How far one computed quantity (a loss term, a mask or a gradient) is from its reference.</summary>
/// <param name="Name">The output key of the vector file, e.g. "grad_student".</param>
/// <param name="AbsoluteError">max_k |computed_k − reference_k|.</param>
/// <param name="RelativeError">The absolute error divided by max_k |reference_k|; for a reference that
/// is zero up to rounding (max |reference| ≤ <see cref="LossConformance.ZeroReference"/>) it is the
/// absolute error.</param>
/// <param name="Exact">Masks must match exactly; other quantities within the tolerance.</param>
/// <param name="Passed">Within tolerance (or exactly equal when <paramref name="Exact"/>).</param>
/// <param name="Problem">Why the quantity could not be compared (missing, wrong size), else null.</param>
public sealed record QuantityConformance(string Name, double AbsoluteError, double RelativeError, bool Exact, bool Passed, string? Problem = null);

/// <summary>The comparison of every output of one case.</summary>
/// <param name="Error">Why the case could not be evaluated (unknown method, loss error), else null.</param>
public sealed record CaseConformance(int Index, string Method, IReadOnlyList<QuantityConformance> Quantities, string? Error = null)
{
    public bool Passed => Error is null && Quantities.Count > 0 && Quantities.All(q => q.Passed);
}

/// <summary>The worst errors of one method over all its cases.</summary>
/// <param name="WorstQuantity">Where the worst relative error occurred, e.g. "case 4: grad_student".</param>
public sealed record MethodConformance(string Method, int Cases, double WorstAbsoluteError, double WorstRelativeError, string WorstQuantity,
    bool Passed);

/// <summary>The result of checking a loss reference-vector file.</summary>
public sealed record ConformanceReport(string FilePath, DType DType, double Tolerance, IReadOnlyList<MethodConformance> Methods,
    IReadOnlyList<CaseConformance> Cases)
{
    public bool Passed => Cases.Count > 0 && Cases.All(c => c.Passed);

    /// <summary>A plain-text table: one line per method, then every failing quantity.</summary>
    public string Format()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"loss conformance: {FilePath} ({DType}, relative tolerance {Tolerance:G3})");
        text.AppendLine(inv, $"{"method",-8} {"cases",5} {"worst abs",12} {"worst rel",12}  {"result",-6} worst at");
        foreach (var m in Methods)
            text.AppendLine(inv, $"{m.Method,-8} {m.Cases,5} {m.WorstAbsoluteError,12:E2} {m.WorstRelativeError,12:E2}  {(m.Passed ? "pass" : "FAIL"),-6} {m.WorstQuantity}");
        foreach (var c in Cases.Where(c => !c.Passed))
        {
            if (c.Error is not null) text.AppendLine(inv, $"case {c.Index} ({c.Method}): {c.Error}");
            foreach (var q in c.Quantities.Where(q => !q.Passed))
            {
                var detail = q.Problem ?? string.Create(inv,
                    $"abs {q.AbsoluteError:E2}, rel {q.RelativeError:E2}{(q.Exact ? " (must match exactly)" : "")}");
                text.AppendLine(inv, $"case {c.Index} ({c.Method}) {q.Name}: {detail}");
            }
        }
        text.Append(Passed ? "PASS" : "FAIL");
        return text.ToString();
    }
}
