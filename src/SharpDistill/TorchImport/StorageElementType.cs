using SharpDistill.Torch;

namespace SharpDistill.TorchImport;

/// <summary>
/// The element type of a pickled storage, identified in the pickle by its class
/// (<c>torch.FloatStorage</c>, ...). <see cref="DType"/> is null for the types SharpDistill.Torch
/// has no tensor dtype for (int8, int16): their values are still readable with
/// <see cref="CheckpointTensor.ToArray{T}"/>.
/// </summary>
public sealed record StorageElementType(string StorageClass, string TorchName, int ElementSize, DType? DType, Type ClrType)
{
    private static readonly StorageElementType[] All =
    {
        new("FloatStorage", "float32", 4, Torch.DType.Float32, typeof(float)),
        new("DoubleStorage", "float64", 8, Torch.DType.Float64, typeof(double)),
        new("HalfStorage", "float16", 2, Torch.DType.Float16, typeof(Half)),
        // .NET has no bfloat16 type: raw values are read as their 16-bit patterns.
        new("BFloat16Storage", "bfloat16", 2, Torch.DType.BFloat16, typeof(ushort)),
        new("LongStorage", "int64", 8, Torch.DType.Int64, typeof(long)),
        new("IntStorage", "int32", 4, Torch.DType.Int32, typeof(int)),
        new("ShortStorage", "int16", 2, null, typeof(short)),
        new("CharStorage", "int8", 1, null, typeof(sbyte)),
        new("ByteStorage", "uint8", 1, Torch.DType.UInt8, typeof(byte)),
        new("BoolStorage", "bool", 1, Torch.DType.Bool, typeof(bool)),
    };

    /// <summary>The type stored by <c>torch.&lt;storageClass&gt;</c>, or null when it is not an allowed storage class.</summary>
    public static StorageElementType? FromStorageClass(string storageClass) =>
        All.FirstOrDefault(t => t.StorageClass == storageClass);

    public override string ToString() => TorchName;
}
