using System.Buffers.Binary;
using System.Text;

namespace SharpDistill.Data;

/// <summary>
/// A strict reader for the pickles of the CIFAR "python version" (and numpy arrays pickled the same
/// way): protocol 2 as Python 2's cPickle wrote the official files, and protocol 3 as Python 3 writes
/// the same objects.
/// </summary>
/// <remarks>
/// Unlike Python's unpickler, this never executes anything: it knows the opcodes those files use
/// and nothing more, and the only globals it accepts are numpy's array reconstructor, ndarray and
/// dtype, whose effect it interprets itself (building a <see cref="NumpyArray"/>). Any other opcode,
/// global or call shape is refused with an error naming the opcode and its byte offset. Kept apart
/// from the checkpoint unpickler on purpose: it accepts a different, smaller language.
/// </remarks>
internal sealed class PickleReader
{
    private static readonly HashSet<(string Module, string Name)> AllowedGlobals =
    [
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"), // numpy ≥ 2 writes its renamed module
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    ];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] data;
    private readonly string? path;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private int position;
    private int opcodeOffset;
    private byte opcode;

    private PickleReader(byte[] data, string? path)
    {
        this.data = data;
        this.path = path;
    }

    /// <summary>Reads the one pickled object in <paramref name="data"/>; <paramref name="path"/> is for messages.</summary>
    public static object? Read(byte[] data, string? path = null) => new PickleReader(data, path).Run();

    private object? Run()
    {
        while (true)
        {
            opcodeOffset = position;
            if (position >= data.Length)
                throw Error($"truncated: the data ends after {data.Length} bytes without a STOP opcode");
            opcode = data[position++];
            switch (opcode)
            {
                case 0x80: // PROTO
                    var version = ReadByte();
                    if (version is < 2 or > 3)
                        throw Error($"pickle protocol {version} is not supported (only protocols 2 and 3, as the CIFAR files use)");
                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0)
                        throw Error($"STOP with {stack.Count} values on the stack and {marks.Count} open marks (expected one value)");
                    if (position != data.Length)
                        throw Error($"{data.Length - position} unexpected bytes follow the STOP opcode");
                    return stack[0];
                case (byte)'(': marks.Push(stack.Count); break; // MARK

                case (byte)'N': Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: Push(ReadLong1()); break; // LONG1

                case (byte)'T': Push(Take(ReadLength(4, signed: true)).ToArray()); break; // BINSTRING (Python 2 str)
                case (byte)'U': Push(Take(ReadByte()).ToArray()); break; // SHORT_BINSTRING
                case (byte)'B': Push(Take(ReadLength(4, signed: false)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case (byte)'X': Push(DecodeUtf8(Take(ReadLength(4, signed: false)))); break; // BINUNICODE

                case (byte)')': Push(new PickleTuple([])); break; // EMPTY_TUPLE
                case 0x85: Push(new PickleTuple(PopN(1))); break; // TUPLE1
                case 0x86: Push(new PickleTuple(PopN(2))); break; // TUPLE2
                case 0x87: Push(new PickleTuple(PopN(3))); break; // TUPLE3
                case (byte)'t': Push(new PickleTuple(PopToMark())); break; // TUPLE

                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(new List<object?>(PopToMark())); break; // LIST
                case (byte)'a': // APPEND
                {
                    var item = Pop();
                    PeekAs<List<object?>>("APPEND").Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopToMark();
                    PeekAs<List<object?>>("APPENDS").AddRange(items);
                    break;
                }

                case (byte)'}': Push(new PickleDict()); break; // EMPTY_DICT
                case (byte)'d': // DICT
                {
                    var dict = new PickleDict();
                    AddPairs(dict, PopToMark());
                    Push(dict);
                    break;
                }
                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    PeekAs<PickleDict>("SETITEM").Items.Add(new(key, value));
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopToMark();
                    AddPairs(PeekAs<PickleDict>("SETITEMS"), items);
                    break;
                }

                case (byte)'q': Memoize(ReadByte()); break; // BINPUT
                case (byte)'r': Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINPUT
                case (byte)'h': Recall(ReadByte()); break; // BINGET
                case (byte)'j': Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINGET

                case (byte)'c': Push(ReadGlobal()); break; // GLOBAL
                case (byte)'R': Reduce(); break; // REDUCE
                case (byte)'b': Build(); break; // BUILD

                default:
                    throw Error(OpcodeNames.TryGetValue(opcode, out var name)
                        ? $"opcode {name} (0x{opcode:x2}) is not supported: this reader accepts only the protocol 2/3 opcodes of the CIFAR python files"
                        : $"0x{opcode:x2} is not a pickle opcode (is this a pickle file?)");
            }
        }
    }

    // ---- reading bytes ----

    private byte ReadByte() => Take(1)[0];

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > data.Length - position)
            throw Error($"truncated: needs {count} bytes of argument, {data.Length - position} remain");
        var span = data.AsSpan(position, count);
        position += count;
        return span;
    }

    private int ReadLength(int bytes, bool signed)
    {
        var raw = Take(bytes);
        long value = signed ? BinaryPrimitives.ReadInt32LittleEndian(raw) : BinaryPrimitives.ReadUInt32LittleEndian(raw);
        if (value < 0 || value > data.Length - position)
            throw Error($"truncated or corrupt: announces {value} bytes, {data.Length - position} remain");
        return (int)value;
    }

    private long ReadLong1()
    {
        var n = ReadByte();
        if (n > 8) throw Error($"LONG1 integer of {n} bytes is too large");
        var bytes = Take(n);
        long value = 0;
        for (var i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n); // two's complement sign
        return value;
    }

    private string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error("BINUNICODE string is not valid UTF-8"); }
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw Error("truncated: GLOBAL's name is not terminated by a newline");
        var line = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    // ---- the stack ----

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count <= marks.Peek()))
            throw Error($"{OpcodeName()} needs a value but the stack is empty");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopN(int n)
    {
        var items = new object?[n];
        for (var i = n - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private object?[] PopToMark()
    {
        if (marks.Count == 0) throw Error($"{OpcodeName()} without a preceding MARK");
        var start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start).ToArray();
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private T PeekAs<T>(string what) where T : class
    {
        if (stack.Count == 0) throw Error($"{what} needs a value but the stack is empty");
        return stack[^1] as T ?? throw Error($"{what} applies to a {typeof(T).Name} but found {PickleText.Describe(stack[^1])}");
    }

    private void AddPairs(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0) throw Error($"{OpcodeName()} got an odd number ({items.Length}) of keys and values");
        for (var i = 0; i < items.Length; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
    }

    private void Memoize(long index)
    {
        if (stack.Count == 0) throw Error("memo PUT with an empty stack");
        memo[index] = stack[^1];
    }

    private void Recall(long index)
    {
        if (!memo.TryGetValue(index, out var value)) throw Error($"memo GET of index {index}, which was never stored");
        Push(value);
    }

    // ---- globals and the two numpy constructors ----

    private PickleGlobal ReadGlobal()
    {
        var module = ReadLine();
        var name = ReadLine();
        if (!AllowedGlobals.Contains((module, name)))
            throw Error($"GLOBAL '{module} {name}' is not allowed: only numpy.core.multiarray._reconstruct, numpy.ndarray " +
                        "and numpy.dtype may appear (this reader never runs code)");
        return new PickleGlobal(module, name);
    }

    private void Reduce()
    {
        var args = Pop() as PickleTuple ?? throw Error("REDUCE's arguments are not a tuple");
        var callable = Pop() as PickleGlobal ?? throw Error("REDUCE's callable is not a global");
        switch (callable.Name)
        {
            case "_reconstruct":
                // numpy's ndarray.__reduce__: _reconstruct(ndarray, (0,), b'b'), then BUILD with the state.
                if (args.Count != 3 || args[0] is not PickleGlobal { Name: "ndarray" })
                    throw Error($"_reconstruct expects (numpy.ndarray, shape, typecode), got ({string.Join(", ", args.Items.Select(PickleText.Describe))})");
                Push(new NumpyArray());
                break;
            case "dtype":
                Push(ParseDType(args));
                break;
            default:
                throw Error($"{callable} may not be called");
        }
    }

    private NumpyDType ParseDType(PickleTuple args)
    {
        var descr = args.Count == 3 ? PickleText.AsText(args[0]) : null;
        if (descr is not { Length: >= 2 } || !int.TryParse(descr.AsSpan(1), out var size))
            throw Error($"numpy.dtype expects (descr, align, copy), got ({string.Join(", ", args.Items.Select(PickleText.Describe))})");
        var kind = descr[0];
        var valid = kind switch
        {
            'b' => size == 1,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'f' => size is 2 or 4 or 8,
            _ => false,
        };
        if (!valid) throw Error($"numpy dtype '{descr}' is not supported (only plain bool, integer and float dtypes)");
        return new NumpyDType(kind, size);
    }

    private void Build()
    {
        var state = Pop() as PickleTuple ?? throw Error("BUILD's state is not a tuple");
        if (stack.Count == 0) throw Error("BUILD with nothing to build");
        switch (stack[^1])
        {
            case NumpyDType dtype: BuildDType(dtype, state); break;
            case NumpyArray array: BuildArray(array, state); break;
            default: throw Error($"BUILD on {PickleText.Describe(stack[^1])} is not supported");
        }
    }

    private void BuildDType(NumpyDType dtype, PickleTuple state)
    {
        // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
        if (state.Count < 8 || state[0] is not (3L or 4L) || PickleText.AsText(state[1]) is not { Length: 1 } order)
            throw Error($"numpy dtype state has an unexpected form ({string.Join(", ", state.Items.Select(PickleText.Describe))})");
        if (state[2] != null || state[3] != null || state[4] != null)
            throw Error("structured or sub-array numpy dtypes are not supported");
        if (order[0] is not ('|' or '<' or '>' or '='))
            throw Error($"numpy dtype byte order '{order}' is not valid");
        dtype.ByteOrder = order[0];
        dtype.IsBuilt = true;
    }

    private void BuildArray(NumpyArray array, PickleTuple state)
    {
        // (version, shape, dtype, is_fortran, raw data); very old numpy omits the version.
        var items = state.Count == 5 && state[0] is long ? state.Items[1..] : state.Items;
        if (items.Length != 4 || items[0] is not PickleTuple shape || items[1] is not NumpyDType { IsBuilt: true } dtype
            || items[2] is not (bool or long) || items[3] is not byte[] raw)
            throw Error($"numpy array state has an unexpected form ({string.Join(", ", state.Items.Select(PickleText.Describe))}); " +
                        "object arrays are not supported");
        var dims = new long[shape.Count];
        long count = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = shape[i] as long? ?? throw Error($"numpy array shape entry {i} is {PickleText.Describe(shape[i])}");
            if (dims[i] < 0) throw Error($"numpy array shape entry {i} is negative");
            count *= dims[i];
        }
        if (count * dtype.ItemSize != raw.Length)
            throw Error($"numpy array of shape [{string.Join(", ", dims)}] and dtype {dtype} needs {count * dtype.ItemSize} bytes, " +
                        $"the pickle holds {raw.Length}");
        array.Shape = dims;
        array.DType = dtype;
        array.FortranOrder = items[2] is true or 1L;
        array.Data = raw;
    }

    // ---- errors ----

    private string OpcodeName() => OpcodeNames.TryGetValue(opcode, out var name) ? name : $"0x{opcode:x2}";

    private PickleException Error(string message) =>
        new($"{(opcodeOffset >= data.Length ? "end of data" : "opcode " + OpcodeName())}: {message}", path, opcodeOffset);

    /// <summary>Every pickle opcode of protocols 0–5, so that a refusal can name what it refused.</summary>
    private static readonly Dictionary<byte, string> OpcodeNames = new()
    {
        [(byte)'('] = "MARK", [(byte)'.'] = "STOP", [(byte)'0'] = "POP", [(byte)'1'] = "POP_MARK", [(byte)'2'] = "DUP",
        [(byte)'F'] = "FLOAT", [(byte)'I'] = "INT", [(byte)'J'] = "BININT", [(byte)'K'] = "BININT1", [(byte)'L'] = "LONG",
        [(byte)'M'] = "BININT2", [(byte)'N'] = "NONE", [(byte)'P'] = "PERSID", [(byte)'Q'] = "BINPERSID", [(byte)'R'] = "REDUCE",
        [(byte)'S'] = "STRING", [(byte)'T'] = "BINSTRING", [(byte)'U'] = "SHORT_BINSTRING", [(byte)'V'] = "UNICODE",
        [(byte)'X'] = "BINUNICODE", [(byte)'a'] = "APPEND", [(byte)'b'] = "BUILD", [(byte)'c'] = "GLOBAL", [(byte)'d'] = "DICT",
        [(byte)'}'] = "EMPTY_DICT", [(byte)'e'] = "APPENDS", [(byte)'g'] = "GET", [(byte)'h'] = "BINGET", [(byte)'i'] = "INST",
        [(byte)'j'] = "LONG_BINGET", [(byte)'l'] = "LIST", [(byte)']'] = "EMPTY_LIST", [(byte)'o'] = "OBJ", [(byte)'p'] = "PUT",
        [(byte)'q'] = "BINPUT", [(byte)'r'] = "LONG_BINPUT", [(byte)'s'] = "SETITEM", [(byte)'t'] = "TUPLE", [(byte)')'] = "EMPTY_TUPLE",
        [(byte)'u'] = "SETITEMS", [(byte)'G'] = "BINFLOAT", [0x80] = "PROTO", [0x81] = "NEWOBJ", [0x82] = "EXT1", [0x83] = "EXT2",
        [0x84] = "EXT4", [0x85] = "TUPLE1", [0x86] = "TUPLE2", [0x87] = "TUPLE3", [0x88] = "NEWTRUE", [0x89] = "NEWFALSE",
        [0x8a] = "LONG1", [0x8b] = "LONG4", [(byte)'B'] = "BINBYTES", [(byte)'C'] = "SHORT_BINBYTES", [0x8c] = "SHORT_BINUNICODE",
        [0x8d] = "BINUNICODE8", [0x8e] = "BINBYTES8", [0x8f] = "EMPTY_SET", [0x90] = "ADDITEMS", [0x91] = "FROZENSET",
        [0x92] = "NEWOBJ_EX", [0x93] = "STACK_GLOBAL", [0x94] = "MEMOIZE", [0x95] = "FRAME", [0x96] = "BYTEARRAY8",
        [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
    };
}
