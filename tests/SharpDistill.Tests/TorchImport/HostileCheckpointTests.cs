using SharpDistill.Pickle;
using System.IO.Compression;
using System.Text;
using SharpDistill.TorchImport;

namespace SharpDistill.Tests.TorchImport;

/// <summary>
/// Checkpoints built to hurt the reader: each must end in one CheckpointFormatException that says
/// what is wrong, without overflowing the stack or allocating what the file merely claims.
/// </summary>
public class HostileCheckpointTests
{
    [Fact]
    public void DeeplyNestedTuplesAreRefusedNotAStackOverflow()
    {
        // {((((...(),)...),): 1}: hashing the key recursed once per level and overflowed the stack.
        var pickle = new PickleBytes().Proto().Op('}').Op(')');
        for (var i = 0; i < 100_000; i++) pickle.Op(0x85); // TUPLE1
        pickle.Op('K').Byte(1).Op('s').Op('.');
        var e = Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(pickle.ToArray(), "deep.pkl"));
        Assert.Contains($"nested more than {StrictUnpickler.MaxTupleDepth} deep", e.Message);
    }

    [Fact]
    public void TuplesNestedWithinTheLimitStillLoad()
    {
        var pickle = new PickleBytes().Proto().Op(')');
        for (var i = 1; i < StrictUnpickler.MaxTupleDepth; i++) pickle.Op(0x85);
        var root = Assert.IsType<PickleTuple>(StrictUnpickler.Load(pickle.Op('.').ToArray(), "ok.pkl"));
        Assert.Equal(StrictUnpickler.MaxTupleDepth, root.Depth);
    }

    [Fact]
    public void TooManyOpenMarksAreRefused()
    {
        var pickle = new PickleBytes().Proto();
        for (var i = 0; i <= StrictUnpickler.MaxOpenMarks; i++) pickle.Op('(');
        var e = Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(pickle.Op('.').ToArray(), "marks.pkl"));
        Assert.Contains("MARKs open", e.Message);
    }

    [Fact]
    public void AZipEntryClaimingMoreThanCompressionCanGiveIsRefusedBeforeAllocating()
    {
        using var temp = new TempDirectory();
        var path = WriteCheckpoint(temp, "bomb.pth", TensorPickle([4], [1], storageElements: 4), new float[4]);
        // Claim 1.5 GB for the storage entry in both zip headers: the reader used to allocate it.
        PatchUncompressedSize(path, "archive/data/0", 1_500_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("zip bomb", e.Message);
        Assert.True(allocated < 64 << 20, $"refusing the file allocated {allocated} bytes");
    }

    [Fact]
    public void AStride0ViewCannotExpandAFewBytesIntoGigabytes()
    {
        using var temp = new TempDirectory();
        // One stored float viewed as 400 million (stride 0): copying it out would take 1.6 GB.
        var path = WriteCheckpoint(temp, "expand.pth", TensorPickle([400_000_000], [0], storageElements: 1), [1f]);
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
        Assert.Contains("expands storage '0'", e.Message);
    }

    [Fact]
    public void AShapeBeyondTwoGigabytesIsRefusedByName()
    {
        using var temp = new TempDirectory();
        var path = WriteCheckpoint(temp, "huge.pth", TensorPickle([1L << 40, 1L << 20], [0, 0], storageElements: 1), [1f]);
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path));
        Assert.Contains("tensors over 2 GiB are not supported", e.Message);
    }

    [Fact]
    public void SmallExpandedViewsAreStillAccepted()
    {
        using var temp = new TempDirectory();
        var path = WriteCheckpoint(temp, "small.pth", TensorPickle([3, 2], [0, 1], storageElements: 2), [1f, 2f]);
        var state = TorchCheckpoint.LoadStateDict(path);
        using var w = state["w"];
        Assert.Equal(new[] { 1f, 2f, 1f, 2f, 1f, 2f }, w.ToArray<float>());
    }

    /// <summary>{'w': _rebuild_tensor_v2(storage('0', FloatStorage, n), 0, shape, stride, False, OrderedDict())}.</summary>
    private static byte[] TensorPickle(long[] shape, long[] stride, long storageElements)
    {
        var p = new PickleBytes().Proto().Op('}').Str("w");
        p.Global("torch._utils", "_rebuild_tensor_v2").Op('(');
        p.Op('(').Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Long(storageElements).Op('t').Op('Q');
        p.Long(0).Op('(');
        foreach (var s in shape) p.Long(s);
        p.Op('t').Op('(');
        foreach (var s in stride) p.Long(s);
        p.Op('t').Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R').Op('t').Op('R');
        return p.Op('s').Op('.').ToArray();
    }

    private static string WriteCheckpoint(TempDirectory temp, string name, byte[] pickle, float[] storage)
    {
        var path = temp.PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Entry(string entryName, byte[] bytes)
        {
            using var stream = zip.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
            stream.Write(bytes);
        }
        Entry("archive/data.pkl", pickle);
        Entry("archive/version", "3\n"u8.ToArray());
        Entry("archive/data/0", storage.SelectMany(BitConverter.GetBytes).ToArray());
        return path;
    }

    /// <summary>Rewrites the uncompressed size of <paramref name="entryName"/> in its local and central headers.</summary>
    private static void PatchUncompressedSize(string path, string entryName, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.ASCII.GetBytes(entryName);
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var (sizeField, nameLengthField, nameStart) = signature switch
            {
                0x04034b50 => (22, 26, 30), // local file header
                0x02014b50 => (24, 28, 46), // central directory entry
                _ => (-1, 0, 0),
            };
            if (sizeField < 0 || BitConverter.ToUInt16(bytes, i + nameLengthField) != name.Length) continue;
            if (!bytes.AsSpan(i + nameStart, name.Length).SequenceEqual(name)) continue;
            BitConverter.TryWriteBytes(bytes.AsSpan(i + sizeField, 4), size);
        }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Pickle protocol-2 opcodes, written by hand.</summary>
    private sealed class PickleBytes
    {
        private readonly List<byte> bytes = new();

        public PickleBytes Proto() => Op(0x80).Byte(2);
        public PickleBytes Op(int code) { bytes.Add((byte)code); return this; }
        public PickleBytes Op(char code) => Op((int)code);
        public PickleBytes Byte(int value) { bytes.Add((byte)value); return this; }
        public PickleBytes Global(string module, string name) { Op('c'); bytes.AddRange(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); return this; }

        public PickleBytes Str(string text)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            Op('X');
            bytes.AddRange(BitConverter.GetBytes(utf8.Length));
            bytes.AddRange(utf8);
            return this;
        }

        /// <summary>LONG1: a little-endian two's-complement integer of up to 8 bytes.</summary>
        public PickleBytes Long(long value)
        {
            Op(0x8a).Byte(9);
            bytes.AddRange(BitConverter.GetBytes(value));
            bytes.Add(value < 0 ? (byte)0xff : (byte)0);
            return this;
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
