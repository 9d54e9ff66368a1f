using System.Buffers.Binary;
using System.Text;
using SharpDistill.Torch.NN;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Torch.Tests.Serialization;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sd-safetensors-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    /// <summary>A file: 8-byte little-endian header size, the header text, then the data bytes.</summary>
    private static byte[] HandBuilt(string header, params byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    [Fact]
    public void WritesTheExactByteLayoutOfTheSpec()
    {
        var path = PathOf("tiny.safetensors");
        using (var scope = new TensorScope())
            SafeTensors.Save(path,
                new Dictionary<string, Tensor> { ["b"] = Tensor.FromArray(new[] { 7 }), ["a"] = Tensor.FromArray(new byte[] { 1, 2 }) },
                new Dictionary<string, string> { ["k"] = "v" });

        // Keys sorted, metadata first, data_offsets relative to the data section, header padded with
        // spaces to a multiple of 8 (131 + 5 = 136 bytes), then a's bytes and b's little-endian int32.
        const string header = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                              + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[2,6]}}";
        Assert.Equal(131, header.Length);
        var expected = new List<byte> { 136, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(header + "     "));
        expected.AddRange(new byte[] { 1, 2, 7, 0, 0, 0 });
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void ReadsAHandBuiltFile()
    {
        var path = PathOf("hand.safetensors");
        // Unsorted keys, no padding requirement on read, trailing spaces allowed, tensors out of data order.
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(-1.5));            // x: F64 [] at 0..8
        data.AddRange(BitConverter.GetBytes(long.MaxValue));   // n: I64 [1] at 8..16
        data.AddRange(new byte[] { 1, 0, 1 });                 // m: BOOL [3] at 16..19
        const string text = "{\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]},\"__metadata__\":{\"format\":\"pt\"}," +
                            "\"x\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]}}   ";
        File.WriteAllBytes(path, HandBuilt(text, data.ToArray()));

        using var file = SafeTensors.Load(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Empty(file.Tensors["x"].Shape);
        Assert.Equal(-1.5, file.Tensors["x"].ToDouble());
        Assert.Equal(new[] { long.MaxValue }, file.Tensors["n"].ToArray<long>());
        Assert.Equal(new[] { true, false, true }, file.Tensors["m"].ToArray<bool>());
        var header = SafeTensors.ReadHeader(path);
        Assert.Equal(new[] { "x", "n", "m" }, header.Entries.Select(e => e.Name));
        Assert.Equal(8 + text.Length, header.DataOffset);
    }

    [Fact]
    public void RoundTripsEveryDTypeShapeAndMetadata()
    {
        var path = PathOf("all.safetensors");
        using var scope = new TensorScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = Tensor.FromArray(new[] { 1.5f, -2f, 3.25f, 1e-30f, float.MaxValue, float.NegativeInfinity }, 2, 3),
            ["f64"] = Tensor.FromArray(new[] { Math.PI, -0.0, double.Epsilon }),
            ["i64"] = Tensor.FromArray(new[] { long.MinValue, 0L, 42L }),
            ["i32"] = Tensor.FromArray(new[] { int.MaxValue, -7 }, 1, 2),
            ["u8"] = Tensor.FromArray(new byte[] { 0, 128, 255 }),
            ["bool"] = Tensor.FromArray(new[] { true, false }),
            ["f16"] = Tensor.FromArray(new[] { 1.5f, -0.25f, 1024f }).To(DType.Float16),
            ["bf16"] = Tensor.FromArray(new[] { 1.5f, -0.25f, 3.0e38f }).To(DType.BFloat16),
            ["scalar"] = Tensor.FromScalar(3.5f),
            ["empty"] = Tensors.Zeros(new long[] { 0, 4 }),
            ["transposed"] = Tensor.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3).T(),
            ["nested.name.with.dots"] = Tensors.Ones(2),
        };
        var metadata = new Dictionary<string, string> { ["epoch"] = "12", ["note"] = "ünïcode \"quoted\"" };
        SafeTensors.Save(path, tensors, metadata);

        using var file = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys.OrderBy(k => k), file.Tensors.Keys.OrderBy(k => k));
        foreach (var (name, original) in tensors)
        {
            var loaded = file.Tensors[name];
            Assert.Equal(original.DType, loaded.DType);
            Assert.Equal(original.Shape, loaded.Shape);
            Assert.True(loaded.Equal(original), name);
        }
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f }, file.Tensors["transposed"].ToArray<float>());
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(0, (SafeTensors.ReadHeader(path).DataOffset - 8) % 8);
    }

    [Fact]
    public void SavingTheSameTensorsGivesTheSameBytes()
    {
        using var scope = new TensorScope();
        var a = new Dictionary<string, Tensor> { ["z"] = Tensors.Ones(3), ["y"] = Tensors.Zeros(2) };
        var b = new Dictionary<string, Tensor> { ["y"] = Tensors.Zeros(2), ["z"] = Tensors.Ones(3) };
        SafeTensors.Save(PathOf("a.safetensors"), a);
        SafeTensors.Save(PathOf("b.safetensors"), b);
        Assert.Equal(File.ReadAllBytes(PathOf("a.safetensors")), File.ReadAllBytes(PathOf("b.safetensors")));
    }

    public static IEnumerable<object[]> CorruptFiles()
    {
        const string ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var eight = new byte[8];
        yield return new object[] { "short", new byte[] { 1, 2, 3 }, "truncated file: 3 bytes" };
        yield return new object[] { "beyond", HandBuilt(ok, eight)[..20], "is beyond the file size" };
        var huge = HandBuilt(ok, eight);
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        yield return new object[] { "huge", huge, "is beyond the file size" };
        yield return new object[] { "json", HandBuilt("{\"a\": {\"dtype\": \"F32\",", eight), "header is not valid JSON" };
        yield return new object[] { "array", HandBuilt("[1, 2]", eight), "header must be a JSON object" };
        yield return new object[] { "dtype", HandBuilt(ok.Replace("F32", "F8_E4M3"), eight), "tensor 'a': unsupported dtype 'F8_E4M3'" };
        yield return new object[] { "nodtype", HandBuilt("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", eight), "missing or non-string \"dtype\"" };
        yield return new object[] { "shape", HandBuilt(ok.Replace("[2]", "[-2]"), eight), "\"shape\" must hold non-negative integers" };
        yield return new object[] { "size", HandBuilt(ok.Replace("[2]", "[3]"), eight), "needs 12 bytes but data_offsets [0, 8] span 8" };
        yield return new object[] { "range", HandBuilt(ok.Replace("[2]", "[3]").Replace("[0,8]", "[0,12]"), eight),
            "data_offsets [0, 12] are out of range: the data section holds 8 bytes" };
        yield return new object[] { "reversed", HandBuilt(ok.Replace("[0,8]", "[8,0]"), eight), "end before they begin" };
        yield return new object[] { "offsets", HandBuilt(ok.Replace("[0,8]", "[0]"), eight), "must hold exactly [begin, end]" };
        yield return new object[] { "overlap", HandBuilt(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
            "tensors 'a' [0, 8] and 'b' [4, 8] overlap" };
        yield return new object[] { "hole", HandBuilt(ok.Replace("[2]", "[1]").Replace("[0,8]", "[4,8]"), eight), "bytes 0..4 of the data section belong to no tensor" };
        yield return new object[] { "trailing", HandBuilt(ok, new byte[12]), "4 bytes after the last tensor" };
        yield return new object[] { "duplicate", HandBuilt(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
            "header names 'a' twice" };
        yield return new object[] { "metadata", HandBuilt("{\"__metadata__\":{\"epoch\":3}}"), "metadata entry 'epoch' must be a string" };
        yield return new object[] { "utf8", HandBuilt("{\"a\":1}").Select((b, i) => i == 10 ? (byte)0xff : b).ToArray(), "header is not valid JSON" };
    }

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void CorruptFilesGiveErrorsNamingTheFileAndTheProblem(string name, byte[] content, string problem)
    {
        var path = PathOf(name + ".safetensors");
        File.WriteAllBytes(path, content);
        var baseline = LiveTensors.Settled();
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(problem, e.Message);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(baseline, TorchRuntime.LiveTensorCount);
    }

    [Fact]
    public void MissingFileAndBadNamesAreClear()
    {
        var missing = PathOf("nope.safetensors");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(missing)).Message);
        using var scope = new TensorScope();
        var bad = new Dictionary<string, Tensor> { ["__metadata__"] = Tensors.Ones(1) };
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafeTensors.Save(PathOf("x.safetensors"), bad)).Message);
        Assert.False(File.Exists(PathOf("x.safetensors")));
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntactAndNoTemporaryFile()
    {
        var path = PathOf("model.safetensors");
        using var scope = new TensorScope();
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensors.Ones(4) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("disk full (simulated)");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(directory));

        // A successful write replaces the file.
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensors.Zeros(4) });
        using var file = SafeTensors.Load(path);
        Assert.Equal(new float[4], file.Tensors["w"].ToArray<float>());
        Assert.Single(Directory.GetFiles(directory));
    }

    private sealed class Small : Module
    {
        public Small(long hidden)
        {
            RegisterModule("conv", new Conv2d(1, 2, 3));
            RegisterModule("bn", new BatchNorm2d(2));
            RegisterModule("fc", new Linear(2, hidden));
        }
    }

    [Fact]
    public void ModulesSaveAndLoadThroughSafeTensors()
    {
        var path = PathOf("small.safetensors");
        using var a = new Small(3);
        using var b = new Small(3);
        a.SaveSafeTensors(path, new Dictionary<string, string> { ["arch"] = "small" });
        var metadata = b.LoadSafeTensors(path);
        Assert.Equal("small", metadata["arch"]);
        using var scope = new TensorScope();
        var sa = a.StateDict();
        foreach (var (name, value) in b.StateDict()) Assert.True(value.Equal(sa[name]), name);
        Assert.Equal(DType.Int64, SafeTensors.ReadHeader(path).Entries.Single(e => e.Name == "bn.num_batches_tracked").DType);
    }

    [Fact]
    public void LoadingAMismatchedFileIntoAModuleNamesTheFileAndKeys()
    {
        var path = PathOf("small.safetensors");
        using var a = new Small(3);
        a.SaveSafeTensors(path);
        using var wider = new Small(4);
        var e = Assert.Throws<StateDictMismatchException>(() => wider.LoadSafeTensors(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("fc.weight: expected [4, 2], got [3, 2]", e.Message);

        using var scope = new TensorScope();
        var partial = a.StateDict();
        partial.Remove("bn.running_var");
        SafeTensors.Save(path, partial);
        var missing = Assert.Throws<StateDictMismatchException>(() => a.LoadSafeTensors(path));
        Assert.Equal(new[] { "bn.running_var" }, missing.Missing);
        Assert.Contains(path, missing.Message);
        a.LoadSafeTensors(path, strict: false);
    }
}
