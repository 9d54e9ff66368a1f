using SharpDistill.Torch;

namespace SharpDistill.Distillers.Losses;

/// <summary>
/// Checks shared by the loss functions. Every failure is an <see cref="ArgumentException"/> whose
/// message names the loss (with its paper and its docs/methods/ page), the argument and the offending value or
/// shape, so a wrong call is diagnosed from the message alone.
/// </summary>
internal static class LossPreconditions
{
    public static string ShapeText(Tensor t) => "[" + string.Join(", ", t.Shape) + "]";

    /// <summary>A floating-point matrix [rows, columns], e.g. logits [B, C].</summary>
    public static (long Rows, long Columns) Matrix(string loss, string name, Tensor t)
    {
        if (t.IsDisposed) throw new ArgumentException($"{loss}: {name} has been disposed", name);
        if (t.Dim != 2)
            throw new ArgumentException($"{loss}: {name} must be a 2-D tensor [batch, classes or features], got shape {ShapeText(t)}", name);
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{loss}: {name} must be floating point, got {t.DType}", name);
        var shape = t.Shape;
        return (shape[0], shape[1]);
    }

    /// <summary>Two tensors that the formula compares entry by entry.</summary>
    public static void SameShape(string loss, string nameA, Tensor a, string nameB, Tensor b)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
            throw new ArgumentException(
                $"{loss}: {nameA} {ShapeText(a)} and {nameB} {ShapeText(b)} must have the same shape", nameB);
    }

    public static void AtLeast(string loss, string what, long value, long minimum, string reason)
    {
        if (value < minimum)
            throw new ArgumentException($"{loss}: {what} must be at least {minimum}, got {value} ({reason})");
    }

    public static void Positive(string loss, string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentException($"{loss}: {name} must be a finite number > 0, got {value}", name);
    }

    public static void Finite(string loss, string name, double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"{loss}: {name} must be a finite number, got {value}", name);
    }

    public static void InRange(string loss, string name, double value, double low, double high)
    {
        if (!(value >= low && value <= high))
            throw new ArgumentException($"{loss}: {name} must lie in [{low}, {high}], got {value}", name);
    }

    /// <summary>Hard labels: int64 [batch] with every value in [0, classes).</summary>
    public static void Labels(string loss, string name, Tensor target, long batch, long classes)
    {
        if (target.IsDisposed) throw new ArgumentException($"{loss}: {name} has been disposed", name);
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{loss}: {name} must hold int64 class indices, got {target.DType}", name);
        if (target.Dim != 1 || target.Size(0) != batch)
            throw new ArgumentException(
                $"{loss}: {name} must have shape [{batch}] (one label per sample), got {ShapeText(target)}", name);
        if (batch == 0) return;
        using var min = target.Min();
        using var max = target.Max();
        long lo = min.ToInt64(), hi = max.ToInt64();
        if (lo < 0 || hi >= classes)
            throw new ArgumentException(
                $"{loss}: {name} values must lie in [0, {classes}) for {classes} classes, found {(lo < 0 ? lo : hi)}", name);
    }

    /// <summary>A learnable scalar held as a one-element floating tensor.</summary>
    public static void ScalarParameter(string loss, string name, Tensor t)
    {
        if (t.IsDisposed) throw new ArgumentException($"{loss}: {name} has been disposed", name);
        if (t.NumEl != 1 || t.Dim > 1)
            throw new ArgumentException($"{loss}: {name} must be a scalar (0-D or one-element) tensor, got shape {ShapeText(t)}", name);
        if (!t.DType.IsFloatingPoint())
            throw new ArgumentException($"{loss}: {name} must be floating point, got {t.DType}", name);
    }
}
