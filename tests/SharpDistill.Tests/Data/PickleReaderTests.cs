using SharpDistill.Data;
using SharpDistill.Pickle;

namespace SharpDistill.Tests.Data;

public class PickleReaderTests
{
    private static object? Read(byte[] bytes) => PickleReader.Read(bytes, "test.pkl");

    [Fact]
    public void Reads_protocol3_containers_ints_strings_and_shared_references()
    {
        // pickle.dumps(d, protocol=3) with l = [1, 300, 70000, -5, True, False, None, 2**40, -2**40]
        // and d = {'a': l, b'b': ('x', b'yy'), 'c': l, 'e': ()} (Python 3.11).
        var bytes = Convert.FromHexString(
            "80037d71002858010000006171015d7102284b014d2c014a701101004afbffffff88894e8a060000000000018a060000000000ff65" +
            "4301627103580100000078710443027979710586710658010000006371076802580100000065710829752e");
        var dict = Assert.IsType<PickleDict>(Read(bytes));
        Assert.True(dict.TryGetText("a", out var a));
        Assert.Equal(new object?[] { 1L, 300L, 70000L, -5L, true, false, null, 1L << 40, -(1L << 40) }, Assert.IsType<List<object?>>(a));
        Assert.True(dict.TryGetText("b", out var b)); // a bytes key, found by its ASCII name
        var tuple = Assert.IsType<PickleTuple>(b);
        Assert.Equal("x", tuple[0]);
        Assert.Equal("yy"u8.ToArray(), tuple[1]);
        Assert.True(dict.TryGetText("c", out var c));
        Assert.Same(a, c); // BINGET returns the memoised object itself
        Assert.True(dict.TryGetText("e", out var e));
        Assert.Equal(0, Assert.IsType<PickleTuple>(e).Count);
        Assert.False(dict.TryGetText("z", out _));
    }

    [Fact]
    public void Refuses_a_global_outside_the_allow_list_without_running_it()
    {
        // What pickle.dumps of an object whose __reduce__ is (os.system, ('echo',)) looks like.
        var bytes = Latin1("\u0080\u0002cposix\nsystem\nq\u0000X\u0004\u0000\u0000\u0000echoq\u0001\u0085q\u0002Rq\u0003.");
        var e = Assert.Throws<PickleException>(() => Read(bytes));
        Assert.Equal(2, e.Offset);
        Assert.Contains("refusing the global 'posix.system'", e.Message);
        Assert.Equal("test.pkl", e.FilePath);
    }

    [Theory]
    [InlineData("\u0080\u0006N.", 0, "unsupported pickle protocol 6")]
    [InlineData("\u0080\u0002(i__builtin__\nobject\n.", 3, "unsupported pickle opcode INST (0x69)")]
    [InlineData("\u0080\u0002\u0093.", 2, "STACK_GLOBAL (0x93): the pickle stack is empty")]
    [InlineData("\u0080\u0002\u00ff.", 2, "unknown opcode 0xff")]
    [InlineData("\u0080\u0002N", 3, "ends before its STOP opcode")]
    [InlineData("\u0080\u0002N.N", 4, "1 unexpected bytes follow the STOP opcode")]
    [InlineData("\u0080\u0002T\u00ff\u0000\u0000\u0000abc.", 2, "needs 255 bytes")]
    [InlineData("\u0080\u0002e.", 2, "no MARK to pop to")]
    [InlineData("\u0080\u0002h\u0005.", 2, "memo entry 5 was never stored")]
    [InlineData("\u0080\u0002NN.", 4, "STOP with 2 values")]
    [InlineData("\u0080\u0002K\u0001K\u0002R.", 6, "the arguments of a call must be a tuple")]
    [InlineData("\u0080\u0002cnumpy\ndtype\nX\u0002\u0000\u0000\u0000O8\u0089\u0088\u0087R.", 25, "numpy dtype 'O8' is not supported")]
    public void Refuses_bad_input_naming_opcode_and_offset(string pickle, long offset, string message)
    {
        var e = Assert.Throws<PickleException>(() => Read(Latin1(pickle)));
        Assert.Equal(offset, e.Offset);
        Assert.Contains(message, e.Message);
        Assert.Contains($"pickle byte offset {offset}", e.Message);
    }

    [Fact]
    public void Reads_the_numpy_array_of_a_committed_cifar_pickle()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "cifar-100-python-py2", "cifar-100-python", "test"));
        var dict = Assert.IsType<PickleDict>(Read(bytes));
        Assert.True(dict.TryGetText("data", out var data));
        var array = Assert.IsType<NumpyArray>(data);
        Assert.Equal([3L, 3072L], array.Shape);
        Assert.Equal(('u', 1, '|'), (array.DType!.Kind, array.DType.ItemSize, array.DType.ByteOrder));
        Assert.False(array.FortranOrder);
        Assert.Equal((byte)((2 * 31 + 100 * 7 + 101) % 256), array.Data![2 * 3072 + 100]);
    }

    [Fact]
    public void Numpy_array_whose_bytes_do_not_match_its_shape_is_refused()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "cifar-100-python-py3", "cifar-100-python", "test"));
        // The shape tuple (3, 3072) is K 3, M 0x0c00, TUPLE2: announce 3071 columns instead.
        var at = CifarDatasetsTests.IndexOf(bytes, [(byte)'K', 3, (byte)'M', 0x00, 0x0c, 0x86]);
        bytes[at + 3] = 0xff;
        bytes[at + 4] = 0x0b;
        var e = Assert.Throws<PickleException>(() => Read(bytes));
        Assert.Contains("needs 9213 bytes, the pickle holds 9216", e.Message);
        Assert.Contains("BUILD (0x62)", e.Message);
    }

    private static byte[] Latin1(string s) => System.Text.Encoding.Latin1.GetBytes(s);
}
