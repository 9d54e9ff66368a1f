using SharpDistill.Data;

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
        Assert.True(dict.TryGet("a", out var a));
        Assert.Equal(new object?[] { 1L, 300L, 70000L, -5L, true, false, null, 1L << 40, -(1L << 40) }, Assert.IsType<List<object?>>(a));
        Assert.True(dict.TryGet("b", out var b)); // a bytes key, found by its ASCII name
        var tuple = Assert.IsType<PickleTuple>(b);
        Assert.Equal("x", tuple[0]);
        Assert.Equal("yy"u8.ToArray(), tuple[1]);
        Assert.True(dict.TryGet("c", out var c));
        Assert.Same(a, c); // BINGET returns the memoised object itself
        Assert.True(dict.TryGet("e", out var e));
        Assert.Equal(0, Assert.IsType<PickleTuple>(e).Count);
        Assert.False(dict.TryGet("z", out _));
    }

    [Fact]
    public void Refuses_a_global_outside_the_allow_list_without_running_it()
    {
        // What pickle.dumps of an object whose __reduce__ is (os.system, ('echo',)) looks like.
        var bytes = Latin1("\u0080\u0002cposix\nsystem\nq\u0000X\u0004\u0000\u0000\u0000echoq\u0001\u0085q\u0002Rq\u0003.");
        var e = Assert.Throws<PickleException>(() => Read(bytes));
        Assert.Equal(2, e.Offset);
        Assert.Contains("GLOBAL 'posix system' is not allowed", e.Message);
        Assert.Equal("test.pkl", e.FilePath);
    }

    [Theory]
    [InlineData("\u0080\u0004\u0095\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000N.", 0, "protocol 4")]
    [InlineData("\u0080\u0002(i__builtin__\nobject\n.", 3, "opcode INST (0x69) is not supported")]
    [InlineData("\u0080\u0002\u0093.", 2, "opcode STACK_GLOBAL")]
    [InlineData("\u0080\u0002\u00ff.", 2, "0xff is not a pickle opcode")]
    [InlineData("\u0080\u0002N", 3, "without a STOP opcode")]
    [InlineData("\u0080\u0002N.N", 3, "1 unexpected bytes follow the STOP opcode")]
    [InlineData("\u0080\u0002T\u00ff\u0000\u0000\u0000abc.", 2, "announces 255 bytes")]
    [InlineData("\u0080\u0002e.", 2, "APPENDS without a preceding MARK")]
    [InlineData("\u0080\u0002h\u0005.", 2, "memo GET of index 5")]
    [InlineData("\u0080\u0002NN.", 4, "STOP with 2 values")]
    [InlineData("\u0080\u0002K\u0001K\u0002R.", 6, "REDUCE's arguments are not a tuple")]
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
        Assert.True(dict.TryGet("data", out var data));
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
        Assert.Contains("opcode BUILD", e.Message);
    }

    private static byte[] Latin1(string s) => System.Text.Encoding.Latin1.GetBytes(s);
}
