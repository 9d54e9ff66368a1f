using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>A number passed to an operation: floating, integral or boolean, as in PyTorch.</summary>
public readonly struct Scalar
{
    private readonly NativeScalar value;

    private Scalar(NativeScalar value) => this.value = value;

    public static implicit operator Scalar(double d) => new(new NativeScalar { Kind = NativeScalar.DoubleKind, D = d, I = (long)d });
    public static implicit operator Scalar(float f) => (double)f;
    public static implicit operator Scalar(long i) => new(new NativeScalar { Kind = NativeScalar.IntKind, I = i, D = i });
    public static implicit operator Scalar(int i) => (long)i;
    public static implicit operator Scalar(bool b) => new(new NativeScalar { Kind = NativeScalar.BoolKind, I = b ? 1 : 0, D = b ? 1 : 0 });

    internal NativeScalar Native => value;

    internal static Scalar FromNative(NativeScalar value) => new(value);

    public bool IsFloatingPoint => value.Kind == NativeScalar.DoubleKind;
    public double ToDouble() => value.D;
    public long ToInt64() => value.Kind == NativeScalar.DoubleKind ? (long)value.D : value.I;
    public bool ToBoolean() => value.Kind == NativeScalar.DoubleKind ? value.D != 0 : value.I != 0;

    public override string ToString() => value.Kind switch
    {
        NativeScalar.BoolKind => (value.I != 0).ToString(),
        NativeScalar.IntKind => value.I.ToString(),
        _ => value.D.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };
}
