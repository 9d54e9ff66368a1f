using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>Tensor creation and multi-tensor operations (PyTorch's <c>torch.*</c> functions).</summary>
public static unsafe class Tensors
{
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Empty", shape);
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_empty(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Zeros", shape);
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_zeros(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    public static Tensor Zeros(params long[] shape) => Zeros(shape, DType.Float32);

    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Ones", shape);
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_ones(p, shape.Length, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    public static Tensor Ones(params long[] shape) => Ones(shape, DType.Float32);

    public static Tensor Full(long[] shape, Scalar value, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Full", shape);
        var d = device ?? Device.Cpu;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_full(p, shape.Length, value.Native, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>
    /// Values from start (inclusive) to end (exclusive) by step. Without a dtype, as in PyTorch:
    /// float32 when any of start, end, step is floating point, else int64 (an int64 default would
    /// silently truncate <c>Arange(0, 1, 0.25)</c> to zeros).
    /// </summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType? dtype = null, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        var s = step ?? 1;
        var inferred = start.IsFloatingPoint || end.IsFloatingPoint || s.IsFloatingPoint ? DType.Float32 : DType.Int64;
        return Tensor.Wrap(Native.sd_arange(start.Native, end.Native, s.Native, (int)(dtype ?? inferred), (int)d.Type, d.Index, out var h), h);
    }

    public static Tensor Arange(long end) => Arange(0, end);

    public static Tensor Eye(long n, DType dtype = DType.Float32, Device? device = null)
    {
        var d = device ?? Device.Cpu;
        return Tensor.Wrap(Native.sd_eye(n, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>Standard normal samples; reproducible when a <see cref="Generator"/> is given.</summary>
    public static Tensor Randn(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Randn", shape);
        var d = device ?? Device.Cpu;
        var g = generator?.Handle ?? GeneratorHandle.Null;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_randn(p, shape.Length, g, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null)
    {
        ShapeCheck.Sizes("Rand", shape);
        var d = device ?? Device.Cpu;
        var g = generator?.Handle ?? GeneratorHandle.Null;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_rand(p, shape.Length, g, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>Uniform integers in [low, high).</summary>
    public static Tensor RandInt(long low, long high, long[] shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null)
    {
        ShapeCheck.Sizes("RandInt", shape);
        var d = device ?? Device.Cpu;
        var g = generator?.Handle ?? GeneratorHandle.Null;
        fixed (long* p = shape) return Tensor.Wrap(Native.sd_randint(low, high, p, shape.Length, g, (int)dtype, (int)d.Type, d.Index, out var h), h);
    }

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n, Generator? generator = null) =>
        Tensor.Wrap(Native.sd_randperm(n, generator?.Handle ?? GeneratorHandle.Null, out var h), h);

    public static Tensor ZerosLike(Tensor a) => Tensor.Wrap(Native.sd_zeros_like(a.Handle, out var h), h);
    public static Tensor OnesLike(Tensor a) => Tensor.Wrap(Native.sd_ones_like(a.Handle, out var h), h);
    public static Tensor EmptyLike(Tensor a) => Tensor.Wrap(Native.sd_empty_like(a.Handle, out var h), h);
    public static Tensor FullLike(Tensor a, Scalar value) => Tensor.Wrap(Native.sd_full_like(a.Handle, value.Native, out var h), h);

    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) =>
        HandleList.Combine(tensors, (p, n) => (Native.sd_cat(p, n, dim, out var h), h));

    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) =>
        HandleList.Combine(tensors, (p, n) => (Native.sd_stack(p, n, dim, out var h), h));

    /// <summary>Elementwise choice: a where condition is true, else b.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) =>
        Tensor.Wrap(Native.sd_where(condition.Handle, a.Handle, b.Handle, out var h), h);
}
