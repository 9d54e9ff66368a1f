using SharpDistill.Pickle;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SharpDistill.Torch;

namespace SharpDistill.TorchImport;

/// <summary>
/// A tensor of a checkpoint, as PyTorch pickles it: a view (offset, shape, strides, all in
/// elements) into a <see cref="CheckpointStorage"/>. The geometry is validated against the
/// storage when the tensor is unpickled. Nothing native is held: <see cref="ToTensor"/> makes a
/// contiguous SharpDistill.Torch tensor on demand.
/// </summary>
public sealed class CheckpointTensor : IPythonValue
{
    string IPythonValue.PythonTypeName => "Tensor";

    private readonly long[] shape;
    private readonly long[] strides;

    private CheckpointTensor(CheckpointStorage storage, long storageOffset, long[] shape, long[] strides, bool requiresGrad)
    {
        Storage = storage;
        StorageOffset = storageOffset;
        this.shape = shape;
        this.strides = strides;
        RequiresGrad = requiresGrad;
    }

    public CheckpointStorage Storage { get; }

    /// <summary>Offset of the first element in the storage, in elements.</summary>
    public long StorageOffset { get; }

    public IReadOnlyList<long> Shape => shape;

    /// <summary>Strides in elements, as in PyTorch.</summary>
    public IReadOnlyList<long> Strides => strides;

    public bool RequiresGrad { get; }

    /// <summary>True when the tensor was pickled as an nn.Parameter.</summary>
    public bool IsParameter { get; private set; }

    public StorageElementType ElementType => Storage.ElementType;

    public long NumEl => shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Row-major contiguous in PyTorch's sense (dimensions of size 1 may have any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            if (NumEl == 0) return true;
            long expected = 1;
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                if (shape[d] != 1 && strides[d] != expected) return false;
                expected *= shape[d];
            }
            return true;
        }
    }

    /// <summary>
    /// The tensor <c>_rebuild_tensor_v2</c> would make, after checking that the shape and strides fit
    /// together and that every element they address lies inside the storage.
    /// </summary>
    /// <summary>The most bytes a view may occupy when it addresses more elements than its storage holds.</summary>
    public const long MaxExpansionBytes = 64L << 20;

    internal static CheckpointTensor Create(CheckpointStorage storage, long storageOffset, long[] shape, long[] strides, bool requiresGrad)
    {
        string Geometry() => $"shape [{string.Join(", ", shape)}], stride [{string.Join(", ", strides)}], offset {storageOffset}";
        if (shape.Length != strides.Length)
            throw new PickleDataException($"tensor on storage '{storage.Key}' has {shape.Length} sizes but {strides.Length} strides ({Geometry()})");
        if (storageOffset < 0 || shape.Any(s => s < 0) || strides.Any(s => s < 0))
            throw new PickleDataException($"tensor on storage '{storage.Key}' has a negative size, stride or offset ({Geometry()})");
        try
        {
            var numel = shape.Aggregate(1L, (a, b) => checked(a * b));
            var bytes = checked(numel * storage.ElementType.ElementSize);
            if (bytes > Array.MaxLength)
                throw new PickleDataException($"tensor on storage '{storage.Key}' would take {bytes} bytes ({Geometry()}); tensors over 2 GiB are not supported");
            // A stride-0 view (torch's expand) addresses few stored elements but becomes numel of
            // them when copied out: a few bytes in the file could demand gigabytes.
            if (numel > storage.ElementCount && bytes > MaxExpansionBytes)
                throw new PickleDataException(
                    $"tensor ({Geometry()}) expands storage '{storage.Key}' of {storage.ElementCount} elements to {numel} " +
                    $"({bytes} bytes, more than the {MaxExpansionBytes / (1 << 20)} MiB allowed for an expanded view)");
            if (numel > 0)
            {
                // The highest element addressed is offset + Σ (size−1)·stride.
                var last = storageOffset;
                for (var d = 0; d < shape.Length; d++) last = checked(last + (shape[d] - 1) * strides[d]);
                if (last >= storage.ElementCount)
                    throw new PickleDataException(
                        $"tensor ({Geometry()}) reaches element {last} of storage '{storage.Key}', which holds only {storage.ElementCount} {storage.ElementType} elements");
            }
            else if (storageOffset > storage.ElementCount)
                throw new PickleDataException($"empty tensor's offset {storageOffset} lies beyond storage '{storage.Key}' ({storage.ElementCount} elements)");
        }
        catch (OverflowException)
        {
            throw new PickleDataException($"tensor on storage '{storage.Key}' has an impossibly large extent ({Geometry()})");
        }
        return new CheckpointTensor(storage, storageOffset, shape, strides, requiresGrad);
    }

    /// <summary>The same view, marked as an nn.Parameter (what <c>_rebuild_parameter</c> returns).</summary>
    internal CheckpointTensor AsParameter(bool requiresGrad) =>
        new(Storage, StorageOffset, shape, strides, requiresGrad) { IsParameter = true };

    /// <summary>
    /// A new contiguous CPU tensor with a copy of the elements (owned by the current
    /// <see cref="TensorScope"/>, or by the caller when there is none).
    /// </summary>
    public Tensor ToTensor()
    {
        var dtype = ElementType.DType ?? throw new NotSupportedException(
            $"this {ElementType} tensor (storage '{Storage.Key}') cannot become a SharpDistill.Torch tensor, which has no {ElementType} dtype; " +
            $"read its values with ToArray<{ElementType.ClrType.Name}>()");
        return Tensor.FromRawBytes(GatherBytes(), dtype, shape);
    }

    /// <summary>The elements in row-major order; <typeparamref name="T"/> must be the element type's .NET type (ushort bit patterns for bfloat16).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (typeof(T) != ElementType.ClrType)
            throw new ArgumentException($"the tensor holds {ElementType} elements: read them as {ElementType.ClrType.Name}, not {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(GatherBytes()).ToArray();
    }

    /// <summary>The elements in row-major order, converted to double (bools become 0 and 1).</summary>
    public double[] ToDoubleArray()
    {
        var bytes = GatherBytes();
        var size = ElementType.ElementSize;
        var result = new double[bytes.Length / size];
        for (var i = 0; i < result.Length; i++)
        {
            var e = bytes.AsSpan(i * size, size);
            result[i] = ElementType.TorchName switch
            {
                "float32" => BinaryPrimitives.ReadSingleLittleEndian(e),
                "float64" => BinaryPrimitives.ReadDoubleLittleEndian(e),
                "float16" => (double)BinaryPrimitives.ReadHalfLittleEndian(e),
                // bfloat16 is the upper half of a float32.
                "bfloat16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(e) << 16),
                "int64" => BinaryPrimitives.ReadInt64LittleEndian(e),
                "int32" => BinaryPrimitives.ReadInt32LittleEndian(e),
                "int16" => BinaryPrimitives.ReadInt16LittleEndian(e),
                "int8" => (sbyte)e[0],
                "uint8" => e[0],
                "bool" => e[0] != 0 ? 1 : 0,
                _ => throw new NotSupportedException($"no conversion of {ElementType} to double"),
            };
        }
        return result;
    }

    /// <summary>Copies the viewed elements, following the strides, into a new row-major buffer.</summary>
    internal byte[] GatherBytes()
    {
        var size = ElementType.ElementSize;
        var numel = NumEl;
        var result = new byte[checked((int)(numel * size))];
        if (numel == 0) return result;
        var source = Storage.Data;
        if (IsContiguous)
        {
            source.Slice(checked((int)(StorageOffset * size)), result.Length).CopyTo(result);
            return result;
        }

        // Walk every index of the outer dimensions; copy the innermost dimension as one run when
        // its stride is 1, element by element otherwise (transposed or expanded tensors).
        var n = shape.Length;
        var innerSize = shape[n - 1];
        var innerStride = strides[n - 1];
        var index = new long[n - 1];
        var written = 0;
        while (true)
        {
            var start = StorageOffset;
            for (var d = 0; d < n - 1; d++) start += index[d] * strides[d];
            if (innerStride == 1)
            {
                var run = (int)(innerSize * size);
                source.Slice((int)(start * size), run).CopyTo(result.AsSpan(written));
                written += run;
            }
            else
            {
                for (long j = 0; j < innerSize; j++, written += size)
                    source.Slice((int)((start + j * innerStride) * size), size).CopyTo(result.AsSpan(written));
            }
            var dim = n - 2;
            while (dim >= 0 && ++index[dim] == shape[dim]) index[dim--] = 0;
            if (dim < 0) return result;
        }
    }

    public override string ToString() =>
        $"Tensor({ElementType}, shape [{string.Join(", ", shape)}], storage '{Storage.Key}'{(StorageOffset != 0 ? $" + {StorageOffset}" : "")})";
}
