using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SharpDistill.Pickle;

/// <summary>
/// The one pickle interpreter of the project, for the data-only subset of protocols 2–5 that
/// torch.save and numpy/CIFAR pickles use. Python's own unpickler imports and calls whatever a
/// pickle names; this one resolves globals only through a <see cref="IPickleVocabulary"/> (an
/// allow-list whose REDUCE and BUILD it interprets itself) and never runs code, so a hostile file
/// yields an error, not an exploit. It is bounded: tuple nesting, open MARKs, memo entries and
/// every length read from the data are checked before anything is built or allocated.
/// </summary>
/// <remarks>
/// Values: None → null, bool, int → long (BigInteger beyond 64 bits), float → double, str → string,
/// bytes and Python 2 str → byte[], list → List&lt;object?&gt;, tuple → <see cref="PickleTuple"/>,
/// dict → <see cref="PickleDict"/>; globals and what REDUCE/BUILD make of them are the vocabulary's;
/// persistent ids → whatever the caller's persistent-load function returns.
/// </remarks>
internal sealed class PickleMachine
{
    private const int MaxGlobalLineLength = 1024;

    /// <summary>
    /// The deepest tuple nesting accepted. torch.save writes a handful of levels (a state dict, the
    /// arguments of a tensor rebuild, a shape); a hostile file can nest thousands, and equality,
    /// hashing and formatting of tuples recurse, which would overflow the stack.
    /// </summary>
    public const int MaxTupleDepth = 100;

    /// <summary>The most MARKs open at once (each holds a list of pending items); real pickles need a few.</summary>
    public const int MaxOpenMarks = 1000;

    /// <summary>
    /// The most memo entries: far beyond any real pickle (one per container or string), far below
    /// what would exhaust memory when a hostile file stores a fresh index every five bytes.
    /// </summary>
    public const int MaxMemoEntries = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream stream;
    private readonly IPickleVocabulary vocabulary;
    private readonly Func<long, string, Exception> error;
    private readonly long baseOffset;
    private readonly Func<object?, object>? persistentLoad;
    private readonly Dictionary<long, object?> memo = new();
    private readonly Stack<List<object?>> metastack = new();
    private List<object?> stack = new();
    private long position;

    private PickleMachine(Stream stream, IPickleVocabulary vocabulary, Func<long, string, Exception> error, long baseOffset, Func<object?, object>? persistentLoad)
    {
        if (!stream.CanSeek) throw new ArgumentException("the pickle stream must be seekable (to bound lengths read from it)", nameof(stream));
        this.stream = stream;
        this.vocabulary = vocabulary;
        this.error = error;
        this.baseOffset = baseOffset;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>
    /// Reads one pickle from the current position of <paramref name="stream"/>, stopping right after
    /// its STOP opcode. <paramref name="error"/> makes the reader's own typed exception from a byte
    /// offset (counted from <paramref name="baseOffset"/>) and a message. <paramref name="persistentLoad"/>
    /// resolves BINPERSID ids (a pickle that uses one without it is refused).
    /// </summary>
    public static object? Load(Stream stream, IPickleVocabulary vocabulary, Func<long, string, Exception> error,
        Func<object?, object>? persistentLoad = null, long baseOffset = 0) =>
        new PickleMachine(stream, vocabulary, error, baseOffset, persistentLoad).Run();

    private object? Run()
    {
        while (true)
        {
            var opcodeOffset = baseOffset + position;
            var code = stream.ReadByte();
            if (code < 0) throw error(opcodeOffset, "the pickle ends before its STOP opcode (truncated data)");
            position++;
            try
            {
                if (code == (byte)PickleOpcode.STOP) return Stop();
                Execute((PickleOpcode)code, opcodeOffset);
            }
            catch (PickleDataException e)
            {
                throw error(opcodeOffset, $"{PickleOpcodeNames.Describe((byte)code)}: {e.Message}");
            }
        }
    }

    private void Execute(PickleOpcode opcode, long offset)
    {
        switch (opcode)
        {
            case PickleOpcode.PROTO:
                var protocol = ReadByte();
                if (protocol is < 2 or > 5) throw new PickleDataException($"unsupported pickle protocol {protocol} (expected 2 to 5)");
                break;
            case PickleOpcode.FRAME:
                ReadBytes(8); // a buffering hint: the frame's length
                break;
            case PickleOpcode.MARK:
                if (metastack.Count >= MaxOpenMarks)
                    throw new PickleDataException($"more than {MaxOpenMarks} MARKs open at once (a checkpoint needs a few); refusing the file");
                metastack.Push(stack);
                stack = new List<object?>();
                break;
            case PickleOpcode.POP:
                if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
                else PopMark();
                break;
            case PickleOpcode.POP_MARK: PopMark(); break;
            case PickleOpcode.DUP: stack.Add(Peek()); break;

            case PickleOpcode.NONE: stack.Add(null); break;
            case PickleOpcode.NEWTRUE: stack.Add(true); break;
            case PickleOpcode.NEWFALSE: stack.Add(false); break;
            case PickleOpcode.BININT: stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;
            case PickleOpcode.BININT1: stack.Add((long)ReadByte()); break;
            case PickleOpcode.BININT2: stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break;
            case PickleOpcode.LONG1: stack.Add(DecodeLong(ReadBytes(ReadByte()))); break;
            case PickleOpcode.LONG4: stack.Add(DecodeLong(ReadBytes(ReadLength(4)))); break;
            case PickleOpcode.BINFLOAT: stack.Add(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;
            case PickleOpcode.SHORT_BINUNICODE: stack.Add(DecodeUtf8(ReadBytes(ReadByte()))); break;
            case PickleOpcode.BINUNICODE: stack.Add(DecodeUtf8(ReadBytes(ReadLength(4)))); break;
            case PickleOpcode.BINUNICODE8: stack.Add(DecodeUtf8(ReadBytes(ReadLength(8)))); break;
            case PickleOpcode.SHORT_BINBYTES: stack.Add(ReadBytes(ReadByte())); break;
            case PickleOpcode.BINBYTES: stack.Add(ReadBytes(ReadLength(4))); break;
            case PickleOpcode.SHORT_BINSTRING: stack.Add(ReadBytes(ReadByte())); break; // a Python 2 str: bytes
            case PickleOpcode.BINSTRING:
                var length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                if (length < 0) throw new PickleDataException($"negative length {length}");
                stack.Add(ReadBytes(length));
                break;

            case PickleOpcode.EMPTY_TUPLE: stack.Add(PickleTuple.Empty); break;
            case PickleOpcode.TUPLE:
                var tuple = Tuple(PopMark().ToArray()); // before naming `stack`: PopMark replaces it
                stack.Add(tuple);
                break;
            case PickleOpcode.TUPLE1: stack.Add(Tuple(PopMany(1))); break;
            case PickleOpcode.TUPLE2: stack.Add(Tuple(PopMany(2))); break;
            case PickleOpcode.TUPLE3: stack.Add(Tuple(PopMany(3))); break;
            case PickleOpcode.EMPTY_LIST: stack.Add(new List<object?>()); break;
            case PickleOpcode.LIST:
                var list = PopMark();
                stack.Add(list);
                break;
            case PickleOpcode.APPEND:
                var item = Pop();
                TopAs<List<object?>>("APPEND", "list").Add(item);
                break;
            case PickleOpcode.APPENDS:
                var items = PopMark();
                TopAs<List<object?>>("APPENDS", "list").AddRange(items);
                break;
            case PickleOpcode.EMPTY_DICT: stack.Add(new PickleDict(isOrderedDict: false)); break;
            case PickleOpcode.DICT:
                var dictItems = PopMark();
                stack.Add(SetPairs(new PickleDict(isOrderedDict: false), dictItems));
                break;
            case PickleOpcode.SETITEM:
                var value = Pop();
                var key = Pop();
                TopAs<PickleDict>("SETITEM", "dict").Set(key, value);
                break;
            case PickleOpcode.SETITEMS:
                var pairs = PopMark();
                SetPairs(TopAs<PickleDict>("SETITEMS", "dict"), pairs);
                break;

            case PickleOpcode.BINPUT: Memoize(ReadByte()); break;
            case PickleOpcode.LONG_BINPUT: Memoize(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break;
            case PickleOpcode.MEMOIZE: Memoize(memo.Count); break;
            case PickleOpcode.BINGET: stack.Add(Recall(ReadByte())); break;
            case PickleOpcode.LONG_BINGET: stack.Add(Recall(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break;

            case PickleOpcode.GLOBAL:
                var module = ReadLine();
                var name = ReadLine();
                stack.Add(ResolveGlobal(module, name, offset));
                break;
            case PickleOpcode.STACK_GLOBAL:
                var stackName = Pop() as string ?? throw new PickleDataException("STACK_GLOBAL needs a string name");
                var stackModule = Pop() as string ?? throw new PickleDataException("STACK_GLOBAL needs a string module");
                stack.Add(ResolveGlobal(stackModule, stackName, offset));
                break;
            case PickleOpcode.REDUCE:
                var args = Pop() as PickleTuple ?? throw new PickleDataException("the arguments of a call must be a tuple");
                var callable = Pop();
                stack.Add(vocabulary.Reduce(callable, args));
                break;
            case PickleOpcode.NEWOBJ:
                var newArgs = Pop() as PickleTuple ?? throw new PickleDataException("the arguments of NEWOBJ must be a tuple");
                stack.Add(vocabulary.NewObject(Pop(), newArgs));
                break;
            case PickleOpcode.NEWOBJ_EX:
                var keywordArgs = Pop() as PickleDict ?? throw new PickleDataException("the keyword arguments of NEWOBJ_EX must be a dict");
                var positional = Pop() as PickleTuple ?? throw new PickleDataException("the arguments of NEWOBJ_EX must be a tuple");
                if (keywordArgs.Count > 0) positional = new PickleTuple([.. positional, keywordArgs]);
                stack.Add(vocabulary.NewObject(Pop(), positional));
                break;
            case PickleOpcode.BUILD:
                var state = Pop();
                vocabulary.Build(Peek(), state);
                break;
            case PickleOpcode.BINPERSID:
                var pid = Pop();
                if (persistentLoad == null) throw new PickleDataException("a persistent id is not expected in this pickle");
                stack.Add(persistentLoad(pid));
                break;

            default:
                throw error(offset, $"unsupported pickle opcode {PickleOpcodeNames.Describe((byte)opcode)}; " +
                    "this reader implements only the data-only subset that torch.save and numpy write");
        }
    }

    private object ResolveGlobal(string module, string name, long offset) =>
        vocabulary.Resolve(module, name) ?? throw error(offset,
            $"refusing the global '{module}.{name}': loading it would import and may call arbitrary Python code. " +
            $"Only these globals can be read: {vocabulary.AllowedNames}. {vocabulary.RefusalAdvice}");

    private object? Stop()
    {
        if (metastack.Count > 0) throw new PickleDataException($"STOP with {metastack.Count} MARKs still open (malformed pickle)");
        if (stack.Count != 1) throw new PickleDataException(stack.Count == 0
            ? "the pickle stack is empty (malformed pickle)"
            : $"STOP with {stack.Count} values on the stack, expected one (malformed pickle)");
        return stack[0];
    }

    private static PickleDict SetPairs(PickleDict dict, List<object?> pairs)
    {
        if (pairs.Count % 2 != 0) throw new PickleDataException("odd number of items for a dict");
        for (var i = 0; i < pairs.Count; i += 2) dict.Set(pairs[i], pairs[i + 1]);
        return dict;
    }

    private void Memoize(long index)
    {
        if (memo.Count >= MaxMemoEntries && !memo.ContainsKey(index))
            throw new PickleDataException($"more than {MaxMemoEntries} memo entries (a real pickle needs one per object); refusing the file");
        memo[index] = Peek();
    }

    // ---- stack ----

    private static PickleTuple Tuple(object?[] items)
    {
        var tuple = new PickleTuple(items);
        if (tuple.Depth > MaxTupleDepth)
            throw new PickleDataException($"tuples nested more than {MaxTupleDepth} deep (a checkpoint needs a few levels); refusing the file");
        return tuple;
    }

    private object? Pop()
    {
        if (stack.Count == 0) throw new PickleDataException("the pickle stack is empty (malformed pickle)");
        var top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    private object?[] PopMany(int count)
    {
        if (stack.Count < count) throw new PickleDataException($"needs {count} items but the stack holds {stack.Count} (malformed pickle)");
        var items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private object? Peek() => stack.Count > 0 ? stack[^1] : throw new PickleDataException("the pickle stack is empty (malformed pickle)");

    private T TopAs<T>(string opcode, string pythonType) where T : class =>
        Peek() as T ?? throw new PickleDataException($"{opcode} applies to a {pythonType}, not to a {PickleFormatting.TypeName(Peek())}");

    private List<object?> PopMark()
    {
        if (metastack.Count == 0) throw new PickleDataException("no MARK to pop to (malformed pickle)");
        var items = stack;
        stack = metastack.Pop();
        return items;
    }

    private object? Recall(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new PickleDataException($"memo entry {index} was never stored (malformed pickle)");

    // ---- reading ----

    private byte ReadByte()
    {
        var b = stream.ReadByte();
        if (b < 0) throw new PickleDataException("the data ends in the middle of an opcode (truncated pickle)");
        position++;
        return (byte)b;
    }

    private byte[] ReadBytes(long count)
    {
        // A length read from the file is checked against what is left before allocating anything.
        if (count > stream.Length - stream.Position)
            throw new PickleDataException($"needs {count} bytes but only {stream.Length - stream.Position} remain (truncated pickle)");
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        position += count;
        return bytes;
    }

    /// <summary>An unsigned little-endian length of <paramref name="width"/> bytes.</summary>
    private long ReadLength(int width)
    {
        var bytes = ReadBytes(width);
        var length = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return length <= int.MaxValue ? (long)length : throw new PickleDataException($"length {length} is too large");
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = ReadByte();
            if (b == '\n') return DecodeUtf8(bytes.ToArray());
            if (bytes.Count == MaxGlobalLineLength) throw new PickleDataException($"a global's name is longer than {MaxGlobalLineLength} bytes");
            bytes.Add(b);
        }
    }

    private static string DecodeUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new PickleDataException("a string is not valid UTF-8");
        }
    }

    /// <summary>Python's LONG encoding: two's complement, little-endian, any width.</summary>
    private static object DecodeLong(byte[] bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }
}
