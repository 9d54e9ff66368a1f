using SharpDistill.Data;
using SharpDistill.Pickle;
using SharpDistill.TorchImport;

namespace SharpDistill.Tests.Pickle;

/// <summary>
/// Both pickle readers (PyTorch import and CIFAR python) run on the one <see cref="PickleMachine"/>:
/// its bounds hold for each, and each reports them as its own typed error.
/// </summary>
public class PickleMachineTests
{
    /// <summary>PROTO 2, then <paramref name="depth"/> nested 1-tuples around None, then STOP.</summary>
    private static byte[] NestedTuples(int depth)
    {
        var bytes = new List<byte> { 0x80, 2, (byte)'N' };
        for (var i = 0; i < depth; i++) bytes.Add(0x85); // TUPLE1
        bytes.Add((byte)'.');
        return bytes.ToArray();
    }

    /// <summary>PROTO 2, None, then <paramref name="count"/> LONG_BINPUTs of it under distinct indexes, then STOP.</summary>
    private static byte[] ManyMemoEntries(int count)
    {
        var bytes = new byte[3 + 5 * count + 1];
        bytes[0] = 0x80;
        bytes[1] = 2;
        bytes[2] = (byte)'N';
        for (var i = 0; i < count; i++)
        {
            bytes[3 + 5 * i] = (byte)'r';
            BitConverter.TryWriteBytes(bytes.AsSpan(4 + 5 * i, 4), i);
        }
        bytes[^1] = (byte)'.';
        return bytes;
    }

    [Fact]
    public void The_cifar_reader_bounds_tuple_nesting_like_the_checkpoint_reader()
    {
        // Before the one machine the CIFAR reader had no depth bound of its own.
        var deep = NestedTuples(PickleMachine.MaxTupleDepth + 1);
        var cifar = Assert.Throws<PickleException>(() => PickleReader.Read(deep, "deep.pkl"));
        Assert.Contains($"nested more than {PickleMachine.MaxTupleDepth} deep", cifar.Message);
        Assert.Equal("deep.pkl", cifar.FilePath);
        var torch = Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(deep, "deep.pkl"));
        Assert.Contains($"nested more than {PickleMachine.MaxTupleDepth} deep", torch.Message);
        Assert.IsType<PickleTuple>(PickleReader.Read(NestedTuples(PickleMachine.MaxTupleDepth)));
    }

    [Fact]
    public void Memo_entries_are_bounded_in_both_readers()
    {
        var many = ManyMemoEntries(PickleMachine.MaxMemoEntries + 1);
        Assert.Contains($"more than {PickleMachine.MaxMemoEntries} memo entries",
            Assert.Throws<PickleException>(() => PickleReader.Read(many, "memo.pkl")).Message);
        Assert.Contains($"more than {PickleMachine.MaxMemoEntries} memo entries",
            Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(many, "memo.pkl")).Message);
        Assert.Null(PickleReader.Read(ManyMemoEntries(1000)));
    }

    [Fact]
    public void Each_reader_allows_only_its_own_globals()
    {
        // A numpy global in a checkpoint, and a torch global in a CIFAR pickle: both refused by name.
        static byte[] Global(string module, string name) =>
            [0x80, 2, (byte)'c', .. System.Text.Encoding.ASCII.GetBytes($"{module}\n{name}\n"), (byte)'.'];
        Assert.Contains("refusing the global 'numpy.dtype'",
            Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(Global("numpy", "dtype"), "x.pth")).Message);
        Assert.Contains("refusing the global 'collections.OrderedDict'",
            Assert.Throws<PickleException>(() => PickleReader.Read(Global("collections", "OrderedDict"), "x.pkl")).Message);
    }

    [Fact]
    public void Python2_byte_string_keys_are_found_by_their_text()
    {
        // {b'data': 1} as Python 2's cPickle writes it: EMPTY_DICT, SHORT_BINSTRING 'data', BININT1 1, SETITEM.
        byte[] pickle = [0x80, 2, (byte)'}', (byte)'U', 4, .. "data"u8, (byte)'K', 1, (byte)'s', (byte)'.'];
        var dict = Assert.IsType<PickleDict>(PickleReader.Read(pickle));
        Assert.True(dict.TryGetText("data", out var value));
        Assert.Equal(1L, value);
    }
}
