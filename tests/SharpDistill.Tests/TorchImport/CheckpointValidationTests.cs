using SharpDistill.Pickle;
using System.IO.Compression;
using SharpDistill.TorchImport;
using static SharpDistill.Tests.TorchImport.CheckpointTestData;

namespace SharpDistill.Tests.TorchImport;

/// <summary>Hostile, corrupt and foreign files: one readable error each, naming what is wrong and where.</summary>
public class CheckpointValidationTests
{
    private static CheckpointFormatException Refused(string path) =>
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(path));

    [Fact]
    public void AMaliciousCheckpointIsRefusedAtTheForbiddenGlobal()
    {
        var expected = Expected.GetProperty("malicious");
        var error = Refused(PathOf("malicious.pth"));
        Assert.Contains($"entry '{expected.GetProperty("entry").GetString()}', byte {expected.GetProperty("offset").GetInt64()}: " +
                        $"refusing the global '{expected.GetProperty("global").GetString()}'", error.Message);
        Assert.False(File.Exists("/tmp/sharpdistill_pwned"));
        // The same refusal through every public entry point.
        using var net = new SharpDistill.Torch.NN.Linear(2, 2);
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ImportInto(net, PathOf("malicious.pth")));
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(PathOf("malicious.pth")));
    }

    [Fact]
    public void SizesAndStridesOfDifferentLengthsAreRefused()
    {
        var error = Refused(PathOf("bad_stride.pth"));
        Assert.Contains("bad_stride/data.pkl', byte", error.Message);
        Assert.Contains("has 2 sizes but 1 strides (shape [2, 3], stride [1], offset 0)", error.Message);
    }

    [Fact]
    public void ATensorReachingBeyondItsStorageIsRefused()
    {
        var error = Refused(PathOf("bad_extent.pth"));
        Assert.Contains("reaches element 6 of storage '0', which holds only 6 float32 elements", error.Message);
    }

    [Fact]
    public void ATruncatedArchiveIsRefused()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(PathOf("tiny_net.pth"));
        foreach (var length in new[] { bytes.Length - 30, bytes.Length / 2, 10 })
        {
            var error = Refused(temp.Write($"cut{length}.pth", bytes[..length]));
            Assert.Contains($"cut{length}.pth' is not a readable zip checkpoint (truncated or corrupt)", error.Message);
        }
    }

    [Fact]
    public void AnArchiveWithoutThePickleIsRefused()
    {
        using var temp = new TempDirectory();
        var path = RewriteZip(temp, PathOf("tiny_net.pth"), (name, bytes) => name.EndsWith("data.pkl") ? null : bytes);
        Assert.Contains("is a zip archive without '<archive>/data.pkl', so it is not a torch.save checkpoint (entries: tiny_net/data/0,", Refused(path).Message);
    }

    [Fact]
    public void AnArchiveWithoutItsVersionIsRefused()
    {
        using var temp = new TempDirectory();
        var path = RewriteZip(temp, PathOf("tiny_net.pth"), (name, bytes) => name.EndsWith("/version") ? null : bytes);
        Assert.Contains("has no 'tiny_net/version' entry", Refused(path).Message);
    }

    [Theory]
    [InlineData("little", null)]  // what PyTorch ≥ 2.1 writes on x86 and ARM
    [InlineData("big", "stores its tensors in 'big' byte order; only little-endian checkpoints are supported")]
    public void TheByteOrderEntryIsHonoured(string order, string? error)
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf("ordered.pth");
        File.Copy(PathOf("tiny_net.pth"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        using (var entry = zip.CreateEntry("tiny_net/byteorder").Open())
            entry.Write(System.Text.Encoding.ASCII.GetBytes(order));
        if (error == null) Assert.Equal(9, ((PickleDict)TorchCheckpoint.Load(path).Root!).Count);
        else Assert.Contains(error, Refused(path).Message);
    }

    [Fact]
    public void AVersionEntryWithoutANumberIsRefused()
    {
        using var temp = new TempDirectory();
        var path = RewriteZip(temp, PathOf("tiny_net.pth"), (name, bytes) => name.EndsWith("/version") ? "three"u8.ToArray() : bytes);
        Assert.Contains("entry 'tiny_net/version' should hold a format version number, got 'three'", Refused(path).Message);
    }

    [Fact]
    public void AMissingStorageEntryIsNamed()
    {
        using var temp = new TempDirectory();
        var path = RewriteZip(temp, PathOf("tiny_net.pth"), (name, bytes) => name == "tiny_net/data/3" ? null : bytes);
        Assert.Contains("storage entry 'tiny_net/data/3' (float32, 4 elements) is missing", Refused(path).Message);
    }

    [Fact]
    public void AStorageEntryTooShortForItsTensorsIsNamed()
    {
        using var temp = new TempDirectory();
        var path = RewriteZip(temp, PathOf("tiny_net.pth"), (name, bytes) => name == "tiny_net/data/0" ? bytes[..10] : bytes);
        Assert.Contains("entry 'tiny_net/data/0' holds 10 bytes but the pickle declares 108 float32 elements", Refused(path).Message);
    }

    [Fact]
    public void ACorruptedStorageIsCaughtByTheZipChecksum()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(PathOf("tiny_net.pth"));
        // Flip one byte inside the data of tiny_net/data/0 (stored uncompressed, so it is in the file as is).
        long dataStart;
        using (var zip = ZipFile.OpenRead(PathOf("tiny_net.pth")))
        using (var stream = zip.GetEntry("tiny_net/data/0")!.Open())
        {
            var first = new byte[16];
            stream.ReadExactly(first);
            dataStart = bytes.AsSpan().IndexOf(first);
        }
        bytes[dataStart + 5] ^= 0xff;
        var error = Refused(temp.Write("corrupt.pth", bytes));
        Assert.Contains("entry 'tiny_net/data/0' cannot be read (corrupt or truncated archive)", error.Message);
    }

    [Fact]
    public void ATruncatedLegacyFileIsRefused()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(PathOf("tiny_net_legacy.pth"));
        var inStorages = Refused(temp.Write("end.pth", bytes[..^100]));
        Assert.Matches(@"end\.pth', byte \d+: storage '\d+' needs \d+ bytes \(\d+ (float32|int64) elements\) but only \d+ remain \(truncated file\)", inStorages.Message);
        var inPickle = Refused(temp.Write("middle.pth", bytes[..500]));
        Assert.Matches(@"middle\.pth', byte \d+: \w+ \(0x[0-9a-f]{2}\): .*\(truncated pickle\)", inPickle.Message);
    }

    [Fact]
    public void FilesThatAreNoCheckpointAreRefused()
    {
        using var temp = new TempDirectory();
        Assert.Contains("absent.pth", Assert.Throws<FileNotFoundException>(() => TorchCheckpoint.Load(temp.PathOf("absent.pth"))).Message);
        Assert.Contains("is empty", Refused(temp.Write("empty.pth", Array.Empty<byte>())).Message);
        Assert.Contains("is neither a zip checkpoint nor a legacy torch.save stream (it starts with bytes 68656C6C)",
            Refused(temp.Write("text.pth", "hello world"u8.ToArray())).Message);
        // pickle.dumps(5, protocol=2): a pickle, but not PyTorch's magic number
        Assert.Contains("not with PyTorch's magic number", Refused(temp.Write("five.pth", Convert.FromHexString("80024b052e"))).Message);

        var zipPath = temp.PathOf("other.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        using (var entry = zip.CreateEntry("notes/readme.txt").Open())
            entry.Write("hi"u8);
        Assert.Contains("without '<archive>/data.pkl', so it is not a torch.save checkpoint (entries: notes/readme.txt)", Refused(zipPath).Message);
    }
}
