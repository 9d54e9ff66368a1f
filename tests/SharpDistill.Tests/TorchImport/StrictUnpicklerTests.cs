using SharpDistill.Pickle;
using System.Numerics;
using SharpDistill.TorchImport;

namespace SharpDistill.Tests.TorchImport;

/// <summary>
/// The unpickler on pickles made by CPython 3.11's pickle.dumps (the expression is given with
/// each) and on hand-made malformed ones.
/// </summary>
public class StrictUnpicklerTests
{
    private static object? Load(string hex) => StrictUnpickler.Load(Convert.FromHexString(hex), "test pickle");

    private static CheckpointFormatException Refused(string hex) =>
        Assert.Throws<CheckpointFormatException>(() => Load(hex));

    [Fact]
    public void ReadsTheProtocol2ValueTypes()
    {
        // pickle.dumps({'a': [1, -2, 300, 70000, -2**31, 2.5, None, True, False], 'b': (1, (2, 'x')),
        //   'big': 2**70, 'neg': -2**64, 's': 'naïve', 3: 'int key', (1, 't'): 'tuple key'}, protocol=2)
        var root = Assert.IsType<PickleDict>(Load(
            "80027d71002858010000006171015d7102284b014afeffffff4d2c014a701101004a000000804740040000000000004e88896558010000006271034b014b025801000000787104867105867106580300000062696771078a0900000000000000004058030000006e656771088a090000000000000000ff580100000073710958060000006e61c3af7665710a4b035807000000696e74206b6579710b4b01580100000074710c86710d58090000007475706c65206b6579710e752e"));
        Assert.False(root.IsOrderedDict);
        Assert.Equal(new object[] { "a", "b", "big", "neg", "s", 3L, new PickleTuple(1L, "t") }, root.Keys);
        Assert.Equal(new object?[] { 1L, -2L, 300L, 70000L, (long)int.MinValue, 2.5, null, true, false }, Assert.IsType<List<object?>>(root["a"]));
        Assert.Equal(new PickleTuple(1L, new PickleTuple(2L, "x")), root["b"]);
        Assert.Equal(BigInteger.Pow(2, 70), root["big"]);
        Assert.Equal(-BigInteger.Pow(2, 64), root["neg"]);
        Assert.Equal("naïve", root["s"]);
        Assert.Equal("int key", root[3L]);
        Assert.Equal("tuple key", root[new PickleTuple(1L, "t")]);
    }

    [Fact]
    public void MemoisedObjectsAreShared()
    {
        // l = [1, 2]; pickle.dumps({'x': l, 'y': l}, protocol=2)
        var root = Assert.IsType<PickleDict>(Load("80027d71002858010000007871015d7102284b014b026558010000007971036802752e"));
        Assert.Same(root["x"], root["y"]);
        Assert.Equal(new object?[] { 1L, 2L }, (List<object?>)root["x"]!);
    }

    [Fact]
    public void ReadsProtocol4FramesAndMemoize()
    {
        // pickle.dumps([1, 'two', 3.0, (), {}, [4]], protocol=4)
        var list = Assert.IsType<List<object?>>(Load("8004951e000000000000005d94284b018c0374776f94474008000000000000297d945d944b0461652e"));
        Assert.Equal(6, list.Count);
        Assert.Equal(new object?[] { 1L, "two", 3.0, PickleTuple.Empty }, list.Take(4));
        Assert.Empty(Assert.IsType<PickleDict>(list[4]));
        Assert.Equal(new object?[] { 4L }, Assert.IsType<List<object?>>(list[5]));
    }

    [Fact]
    public void ReadsProtocol3Bytes()
    {
        // pickle.dumps({'b': b'\x00\x01xy'}, protocol=3)
        var root = Assert.IsType<PickleDict>(Load("80037d710058010000006271014304000178797102732e"));
        Assert.Equal(new byte[] { 0, 1, (byte)'x', (byte)'y' }, root["b"]);
    }

    [Fact]
    public void ReadsAnOrderedDict()
    {
        // pickle.dumps(collections.OrderedDict([('k', 1)]), protocol=2)
        var root = Assert.IsType<PickleDict>(Load("800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710158010000006b71024b01732e"));
        Assert.True(root.IsOrderedDict);
        Assert.Equal(1L, root["k"]);
    }

    [Fact]
    public void ReadsTheRarerDataOpcodes()
    {
        Assert.Equal(256L, Load("80048b0200000000012e"));                              // LONG4 256
        Assert.Equal(-(1L << 40), Load("80028a060000000000ff2e"));                      // LONG1 -2**40 (pickle.dumps(-2**40, protocol=2)): a long, not a BigInteger
        Assert.Equal("ab", Load("80048d020000000000000061622e"));                      // BINUNICODE8 'ab'
        Assert.Equal("xy"u8.ToArray(), Load("800342020000007879" + "2e"));               // BINBYTES b'xy'
        Assert.Equal(new PickleTuple(1L, 2L, 3L), Load("80024b014b024b03872e"));        // TUPLE3
        Assert.IsType<List<object?>>(Load("80025d32302e"));                             // EMPTY_LIST DUP POP
        Assert.Equal(1L, Load("80024b01284b024b03312e"));                               // MARK ... POP_MARK
        Assert.Equal(7L, Load("80024b077200010000306a000100002e"));                     // LONG_BINPUT/LONG_BINGET 256
        Assert.Equal(-1.5, Load("800247bff80000000000002e"));                          // BINFLOAT, big-endian
    }

    [Fact]
    public void RefusesAGlobalOutsideTheAllowList()
    {
        // class Ev: __reduce__ = lambda self: (eval, ('1+1',)); pickle.dumps(Ev(), protocol=2)
        var error = Refused("8002635f5f6275696c74696e5f5f0a6576616c0a71005803000000312b3171018571025271032e");
        Assert.Contains("'__builtin__.eval'", error.Message);
        Assert.Contains("test pickle, byte 2:", error.Message);
    }

    [Fact]
    public void RefusesAStackGlobalOutsideTheAllowList()
    {
        // the same with protocol=4: the name comes from STACK_GLOBAL at byte 29
        var error = Refused("8004951f000000000000008c086275696c74696e73948c046576616c9493948c03312b3194859452942e");
        Assert.Contains("'builtins.eval'", error.Message);
        Assert.Contains("byte 29:", error.Message);
    }

    [Fact]
    public void RefusesALookalikeOfAnAllowedGlobal()
    {
        // GLOBAL 'torch._utils _rebuild_tensor_v3' and 'torch load': close to allowed names, still refused
        var error = Refused("8002" + Hex("ctorch._utils\n_rebuild_tensor_v3\n") + "2e");
        Assert.Contains("'torch._utils._rebuild_tensor_v3'", error.Message);
        Assert.Contains("'torch.load'", Refused("8002" + Hex("ctorch\nload\n") + "2e").Message);
    }

    [Fact]
    public void RefusesOpcodesOutsideTheSubset()
    {
        // pickle.dumps([1, 2], protocol=0) == b'(lp0\nI1\naI2\na.': MARK, LIST, then protocol 0's text PUT at byte 2
        var error = Refused("286c70300a49310a6149320a612e");
        Assert.Contains("byte 2:", error.Message);
        Assert.Contains("PUT (0x70)", error.Message);
        Assert.Contains("NEWOBJ (0x81)", Refused("800281").Message);
        Assert.Contains("unknown opcode 0xff", Refused("8002ff").Message);
    }

    [Fact]
    public void RefusesMalformedPickles()
    {
        Assert.Contains("before its STOP", Refused("80027d").Message);           // truncated
        Assert.Contains("truncated", Refused("80025805000000616263").Message);   // string shorter than its length
        Assert.Contains("stack is empty", Refused("80022e").Message);           // STOP with nothing
        Assert.Contains("memo entry 7", Refused("800268072e").Message);         // BINGET of nothing
        Assert.Contains("no MARK", Refused("8002652e").Message);                // APPENDS without MARK
        Assert.Contains("protocol 9", Refused("8009").Message);
        Assert.Contains("APPEND applies to a list, not to a dict", Refused("80027d4b01612e").Message); // APPEND onto a dict
    }

    [Fact]
    public void RefusesCallingAStorageClassOrBuildingAPlainValue()
    {
        // torch.FloatStorage() and BUILD onto a list
        Assert.Contains("may only name the type of a storage", Refused("8002" + Hex("ctorch\nFloatStorage\n") + "29522e").Message);
        Assert.Contains("cannot restore state into a list", Refused("80025d7d622e").Message);
    }

    [Fact]
    public void RefusesAPersistentIdWithoutALoader()
    {
        Assert.Contains("persistent id", Refused("80024b01512e").Message);
    }

    private static string Hex(string ascii) => Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes(ascii));
}
