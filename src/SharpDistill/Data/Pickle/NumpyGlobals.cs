using SharpDistill.Pickle;

namespace SharpDistill.Data;

/// <summary>
/// The globals a CIFAR python pickle may name: numpy's array reconstructor, ndarray and dtype, whose
/// effect is interpreted here (building a <see cref="NumpyArray"/>), never called.
/// </summary>
internal sealed class NumpyGlobals : IPickleVocabulary
{
    public static readonly NumpyGlobals Instance = new();

    private static readonly HashSet<(string Module, string Name)> Allowed =
    [
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"), // numpy ≥ 2 writes its renamed module
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    ];

    private NumpyGlobals() { }

    public string AllowedNames => "numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype";

    public string RefusalAdvice => "A CIFAR python batch holds only a dict of numpy arrays, lists and strings";

    public object? Resolve(string module, string name) => Allowed.Contains((module, name)) ? new NumpyGlobal(module, name) : null;

    public object Reduce(object? callable, PickleTuple args) => callable switch
    {
        // numpy's ndarray.__reduce__: _reconstruct(ndarray, (0,), b'b'), then BUILD with the state.
        NumpyGlobal { Name: "_reconstruct" } => args.Count == 3 && args[0] is NumpyGlobal { Name: "ndarray" }
            ? new NumpyArray()
            : throw new PickleDataException($"_reconstruct expects (numpy.ndarray, shape, typecode), got {Describe(args)}"),
        NumpyGlobal { Name: "dtype" } => ParseDType(args),
        _ => throw new PickleDataException($"{PickleFormatting.TypeName(callable)} may not be called"),
    };

    public void Build(object? instance, object? state)
    {
        if (state is not PickleTuple tuple) throw new PickleDataException("BUILD's state is not a tuple");
        switch (instance)
        {
            case NumpyDType dtype: BuildDType(dtype, tuple); break;
            case NumpyArray array: BuildArray(array, tuple); break;
            default: throw new PickleDataException($"BUILD on {PickleText.Describe(instance)} is not supported");
        }
    }

    private static NumpyDType ParseDType(PickleTuple args)
    {
        var descr = args.Count == 3 ? PickleText.AsText(args[0]) : null;
        if (descr is not { Length: >= 2 } || !int.TryParse(descr.AsSpan(1), out var size))
            throw new PickleDataException($"numpy.dtype expects (descr, align, copy), got {Describe(args)}");
        var kind = descr[0];
        var valid = kind switch
        {
            'b' => size == 1,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'f' => size is 2 or 4 or 8,
            _ => false,
        };
        if (!valid) throw new PickleDataException($"numpy dtype '{descr}' is not supported (only plain bool, integer and float dtypes)");
        return new NumpyDType(kind, size);
    }

    private static void BuildDType(NumpyDType dtype, PickleTuple state)
    {
        // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
        if (state.Count < 8 || state[0] is not (3L or 4L) || PickleText.AsText(state[1]) is not { Length: 1 } order)
            throw new PickleDataException($"numpy dtype state has an unexpected form {Describe(state)}");
        if (state[2] != null || state[3] != null || state[4] != null)
            throw new PickleDataException("structured or sub-array numpy dtypes are not supported");
        if (order[0] is not ('|' or '<' or '>' or '='))
            throw new PickleDataException($"numpy dtype byte order '{order}' is not valid");
        dtype.ByteOrder = order[0];
        dtype.IsBuilt = true;
    }

    private static void BuildArray(NumpyArray array, PickleTuple state)
    {
        // (version, shape, dtype, is_fortran, raw data); very old numpy omits the version.
        var items = state.Count == 5 && state[0] is long ? state.Skip(1).ToArray() : state.ToArray();
        if (items.Length != 4 || items[0] is not PickleTuple shape || items[1] is not NumpyDType { IsBuilt: true } dtype
            || items[2] is not (bool or long) || items[3] is not byte[] raw)
            throw new PickleDataException($"numpy array state has an unexpected form {Describe(state)}; object arrays are not supported");
        var dims = new long[shape.Count];
        long count = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = shape[i] as long? ?? throw new PickleDataException($"numpy array shape entry {i} is {PickleText.Describe(shape[i])}");
            if (dims[i] < 0) throw new PickleDataException($"numpy array shape entry {i} is negative");
            // Checked: a hostile shape can multiply past 2^63; the raw bytes bound any honest one.
            count = count > raw.Length ? count : checked(count * dims[i]);
        }
        if (count > raw.Length || count * dtype.ItemSize != raw.Length)
            throw new PickleDataException($"numpy array of shape [{string.Join(", ", dims)}] and dtype {dtype} needs " +
                $"{(count > raw.Length ? "more" : (count * dtype.ItemSize).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, the pickle holds {raw.Length}");
        array.Shape = dims;
        array.DType = dtype;
        array.FortranOrder = items[2] is true or 1L;
        array.Data = raw;
    }

    private static string Describe(PickleTuple tuple) => "(" + string.Join(", ", tuple.Select(PickleText.Describe)) + ")";
}
