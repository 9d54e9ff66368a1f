using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// Arithmetic (broadcasting), unary functions and comparisons.
public sealed partial class Tensor
{
    internal static Tensor Wrap(int status, TensorHandle result)
    {
        Status.Check(status);
        return new Tensor(result);
    }

    internal Tensor Unary(UnaryOp op) => Wrap(Native.sd_unary(Handle, (int)op, out var h), h);

    internal enum UnaryOp
    {
        Neg, Exp, Log, Sqrt, Rsqrt, Abs, Sign, Sigmoid, Tanh, Relu, Relu6, Gelu, Floor, Ceil, Round,
        Reciprocal, Log1p, Expm1, Sin, Cos, Square, LogicalNot, IsNan, IsFinite, Silu, GeluTanh,
    }

    private enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge, And, Or, Xor }

    public Tensor Add(Tensor other, Scalar? alpha = null) => Wrap(Native.sd_add(Handle, other.Handle, (alpha ?? 1).Native, out var h), h);
    public Tensor Sub(Tensor other, Scalar? alpha = null) => Wrap(Native.sd_sub(Handle, other.Handle, (alpha ?? 1).Native, out var h), h);
    public Tensor Mul(Tensor other) => Wrap(Native.sd_mul(Handle, other.Handle, out var h), h);
    public Tensor Div(Tensor other) => Wrap(Native.sd_div(Handle, other.Handle, out var h), h);
    public Tensor Add(Scalar other) => Wrap(Native.sd_add_scalar(Handle, other.Native, out var h), h);
    public Tensor Mul(Scalar other) => Wrap(Native.sd_mul_scalar(Handle, other.Native, out var h), h);
    public Tensor Div(Scalar other) => Wrap(Native.sd_div_scalar(Handle, other.Native, out var h), h);
    /// <summary>other − this.</summary>
    public Tensor RSub(Scalar other) => Wrap(Native.sd_rsub_scalar(Handle, other.Native, out var h), h);
    /// <summary>other / this.</summary>
    public Tensor RDiv(Scalar other) => Wrap(Native.sd_rdiv_scalar(Handle, other.Native, out var h), h);
    public Tensor Pow(Tensor exponent) => Wrap(Native.sd_pow(Handle, exponent.Handle, out var h), h);
    public Tensor Pow(Scalar exponent) => Wrap(Native.sd_pow_scalar(Handle, exponent.Native, out var h), h);
    public Tensor Remainder(Scalar divisor) => Wrap(Native.sd_remainder_scalar(Handle, divisor.Native, out var h), h);
    public Tensor Maximum(Tensor other) => Wrap(Native.sd_maximum(Handle, other.Handle, out var h), h);
    public Tensor Minimum(Tensor other) => Wrap(Native.sd_minimum(Handle, other.Handle, out var h), h);

    public unsafe Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        var lo = min?.Native ?? default;
        var hi = max?.Native ?? default;
        return Wrap(Native.sd_clamp(Handle, min.HasValue ? &lo : null, max.HasValue ? &hi : null, out var h), h);
    }

    public Tensor ClampMin(Scalar min) => Clamp(min, null);
    public Tensor ClampMax(Scalar max) => Clamp(null, max);

    public Tensor Neg() => Unary(UnaryOp.Neg);
    public Tensor Exp() => Unary(UnaryOp.Exp);
    public Tensor Log() => Unary(UnaryOp.Log);
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor Abs() => Unary(UnaryOp.Abs);
    public Tensor Sign() => Unary(UnaryOp.Sign);
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    public Tensor Floor() => Unary(UnaryOp.Floor);
    public Tensor Ceil() => Unary(UnaryOp.Ceil);
    public Tensor Round() => Unary(UnaryOp.Round);
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor Log1p() => Unary(UnaryOp.Log1p);
    public Tensor Expm1() => Unary(UnaryOp.Expm1);
    public Tensor Sin() => Unary(UnaryOp.Sin);
    public Tensor Cos() => Unary(UnaryOp.Cos);
    public Tensor Square() => Unary(UnaryOp.Square);
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);
    public Tensor IsNan() => Unary(UnaryOp.IsNan);
    public Tensor IsFinite() => Unary(UnaryOp.IsFinite);

    private Tensor Compare(Tensor other, CompareOp op) => Wrap(Native.sd_compare(Handle, other.Handle, (int)op, out var h), h);
    private Tensor Compare(Scalar other, CompareOp op) => Wrap(Native.sd_compare_scalar(Handle, other.Native, (int)op, out var h), h);

    public Tensor Eq(Tensor other) => Compare(other, CompareOp.Eq);
    public Tensor Ne(Tensor other) => Compare(other, CompareOp.Ne);
    public Tensor Lt(Tensor other) => Compare(other, CompareOp.Lt);
    public Tensor Le(Tensor other) => Compare(other, CompareOp.Le);
    public Tensor Gt(Tensor other) => Compare(other, CompareOp.Gt);
    public Tensor Ge(Tensor other) => Compare(other, CompareOp.Ge);
    public Tensor Eq(Scalar other) => Compare(other, CompareOp.Eq);
    public Tensor Ne(Scalar other) => Compare(other, CompareOp.Ne);
    public Tensor Lt(Scalar other) => Compare(other, CompareOp.Lt);
    public Tensor Le(Scalar other) => Compare(other, CompareOp.Le);
    public Tensor Gt(Scalar other) => Compare(other, CompareOp.Gt);
    public Tensor Ge(Scalar other) => Compare(other, CompareOp.Ge);
    public Tensor LogicalAnd(Tensor other) => Compare(other, CompareOp.And);
    public Tensor LogicalOr(Tensor other) => Compare(other, CompareOp.Or);
    public Tensor LogicalXor(Tensor other) => Compare(other, CompareOp.Xor);

    /// <summary>True when both tensors have the same shape and elements.</summary>
    public bool Equal(Tensor other)
    {
        Status.Check(Native.sd_equal(Handle, other.Handle, out var e));
        return e != 0;
    }

    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        Status.Check(Native.sd_allclose(Handle, other.Handle, rtol, atol, out var c));
        return c != 0;
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(b);
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Scalar b) => a.Add(Negate(b));
    public static Tensor operator -(Scalar a, Tensor b) => b.RSub(a);
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(b);
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(b);
    public static Tensor operator /(Scalar a, Tensor b) => b.RDiv(a);
    public static Tensor operator -(Tensor a) => a.Neg();
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, Scalar b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Scalar b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Scalar b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Scalar b) => a.Ge(b);
    public static Tensor operator &(Tensor a, Tensor b) => a.LogicalAnd(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.LogicalOr(b);
    public static Tensor operator !(Tensor a) => a.LogicalNot();

    private static Scalar Negate(Scalar s) => s.IsFloatingPoint ? -s.ToDouble() : -s.ToInt64();
}
