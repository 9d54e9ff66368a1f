using System.Runtime.InteropServices;
using System.Text;
using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>
/// A tensor backed by libtorch. See <see cref="TensorScope"/> for who disposes it.
/// Operations live in the other Tensor.*.cs files, grouped by area.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private TensorHandle? handle;

    internal Tensor(TensorHandle handle)
    {
        this.handle = handle;
        Owner = TensorScope.Current;
        Owner?.Adopt(this);
    }

    /// <summary>The scope that will dispose this tensor, or null when its creator owns it.</summary>
    internal TensorScope? Owner { get; private set; }

    internal TensorHandle Handle =>
        handle is { IsClosed: false } h ? h : throw new ObjectDisposedException(nameof(Tensor), "this tensor has been disposed");

    public bool IsDisposed => handle is null || handle.IsClosed;

    public void Dispose()
    {
        handle?.Dispose();
        handle = null;
    }

    /// <summary>Hands ownership to the enclosing scope (or to the caller when there is none). Returns this.</summary>
    public Tensor MoveToOuterScope()
    {
        Owner = Owner?.Parent;
        Owner?.Adopt(this);
        return this;
    }

    /// <summary>Takes the tensor out of every scope: the caller now owns it and must dispose it. Returns this.</summary>
    public Tensor DetachFromScope()
    {
        Owner = null;
        return this;
    }

    // ---- metadata ----

    public long Dim
    {
        get { Status.Check(Native.sd_tensor_dim(Handle, out var d)); return d; }
    }

    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            // A 0-dimensional tensor has nothing to copy (and `fixed` would pass a null pointer).
            if (shape.Length == 0) return shape;
            fixed (long* p = shape) Status.Check(Native.sd_tensor_sizes(Handle, p, shape.Length));
            return shape;
        }
    }

    public unsafe long[] Strides
    {
        get
        {
            var strides = new long[Dim];
            // A 0-dimensional tensor has nothing to copy (and `fixed` would pass a null pointer).
            if (strides.Length == 0) return strides;
            fixed (long* p = strides) Status.Check(Native.sd_tensor_strides(Handle, p, strides.Length));
            return strides;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long Size(long dim)
    {
        var shape = Shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length)
            throw new TorchIndexException($"dimension {dim} out of range for a tensor of {shape.Length} dimensions");
        return shape[d];
    }

    public long NumEl
    {
        get { Status.Check(Native.sd_tensor_numel(Handle, out var n)); return n; }
    }

    public DType DType
    {
        get { Status.Check(Native.sd_tensor_dtype(Handle, out var d)); return (DType)d; }
    }

    public Device Device
    {
        get
        {
            Status.Check(Native.sd_tensor_device(Handle, out var type, out var index));
            return new Device((DeviceType)type, index);
        }
    }

    public bool IsContiguous
    {
        get { Status.Check(Native.sd_tensor_is_contiguous(Handle, out var c)); return c != 0; }
    }

    // ---- data transfer ----

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        var dtype = DTypeExtensions.Of<T>();
        var bytes = MemoryMarshal.AsBytes(data);
        fixed (byte* p = bytes)
        fixed (long* s = shape)
        {
            Status.Check(Native.sd_tensor_from_data(p, (nuint)bytes.Length, s, shape.Length, (int)dtype, out var h));
            return new Tensor(h);
        }
    }

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/>; a 1-D tensor when no shape is given.</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged =>
        FromSpan<T>(data, shape.Length == 0 ? new long[] { data.Length } : shape);

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor FromScalar<T>(T value) where T : unmanaged => FromSpan<T>(new[] { value });

    /// <summary>Copies the elements (in row-major order, from any device) into <paramref name="destination"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        var dtype = DTypeExtensions.Of<T>();
        if (dtype != DType)
            throw new TorchTypeException($"cannot copy a {DType} tensor into a {typeof(T).Name} buffer (expected {DType})");
        var bytes = MemoryMarshal.AsBytes(destination);
        fixed (byte* p = bytes) Status.Check(Native.sd_tensor_copy_to(Handle, p, (nuint)bytes.Length));
    }

    /// <summary>The elements as a new array, in row-major order.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var result = new T[NumEl];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public Scalar ToScalar()
    {
        Status.Check(Native.sd_tensor_item(Handle, out var value));
        return Scalar.FromNative(value);
    }

    public double ToDouble() => ToScalar().ToDouble();
    public float ToSingle() => (float)ToScalar().ToDouble();
    public long ToInt64() => ToScalar().ToInt64();
    public bool ToBoolean() => ToScalar().ToBoolean();

    /// <summary>Converts to another device and/or dtype (a no-op view when nothing changes, unless <paramref name="copy"/>).</summary>
    public Tensor To(Device device, DType? dtype = null, bool copy = false)
    {
        Status.Check(Native.sd_tensor_to(Handle, (int)device.Type, device.Index, (int)(dtype ?? DType), copy ? 1 : 0, out var h));
        return new Tensor(h);
    }

    public Tensor To(DType dtype) => To(Device, dtype);

    /// <summary>A new handle to the same tensor (same storage, same autograd identity).</summary>
    public Tensor Alias()
    {
        Status.Check(Native.sd_tensor_shallow_copy(Handle, out var h));
        return new Tensor(h);
    }

    public override unsafe string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        Status.Check(Native.sd_tensor_to_string(Handle, null, 0, out var needed));
        var buffer = new byte[(int)needed];
        fixed (byte* p = buffer) Status.Check(Native.sd_tensor_to_string(Handle, p, needed, out _));
        return Encoding.UTF8.GetString(buffer, 0, buffer.Length - 1);
    }
}
