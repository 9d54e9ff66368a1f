using SharpDistill.Pickle;
namespace SharpDistill.TorchImport;

/// <summary>
/// One storage of a checkpoint: a flat run of elements that one or more tensors view (with their
/// own offset, shape and strides). Several tensors of a checkpoint share one storage object when
/// they shared memory in Python.
/// </summary>
public sealed class CheckpointStorage : IPythonValue
{
    string IPythonValue.PythonTypeName => "Storage";

    private byte[]? data;

    internal CheckpointStorage(string key, StorageElementType elementType, long elementCount, string location)
    {
        Key = key;
        ElementType = elementType;
        ElementCount = elementCount;
        Location = location;
    }

    /// <summary>The storage's key in the checkpoint (the entry <c>data/&lt;key&gt;</c> of a zip checkpoint).</summary>
    public string Key { get; }

    public StorageElementType ElementType { get; }

    /// <summary>Number of elements, as declared by the pickle.</summary>
    public long ElementCount { get; }

    /// <summary>Where the storage lived when saved ("cpu", "cuda:0"); the data is always loaded on the CPU.</summary>
    public string Location { get; }

    public long ByteCount => ElementCount > long.MaxValue / ElementType.ElementSize ? -1 : ElementCount * ElementType.ElementSize;

    /// <summary>The raw little-endian bytes of the elements.</summary>
    public ReadOnlySpan<byte> Data =>
        data ?? throw new InvalidOperationException($"the data of storage '{Key}' has not been read");

    /// <summary>Attaches the bytes read from <paramref name="origin"/> (named in errors); they must cover every declared element.</summary>
    internal void SetData(byte[] bytes, string origin)
    {
        if (bytes.LongLength < ByteCount || ByteCount < 0)
            throw new CheckpointFormatException(
                $"{origin} holds {bytes.LongLength} bytes but the pickle declares {ElementCount} {ElementType} elements ({ByteCount} bytes)");
        data = bytes;
    }

    public override string ToString() => $"Storage('{Key}', {ElementType}, {ElementCount} elements, {Location})";
}
