using System.IO.Compression;
using SharpDistill.TorchImport;

namespace SharpDistill.Tests.TorchImport;

public class Crc32Tests
{
    [Fact]
    public void MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8)); // the CRC-32/ISO-HDLC check value
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void MatchesTheChecksumsPyTorchWroteForEveryEntry()
    {
        // Entries of every length mod 8 exercise both the 8-byte steps and the byte-wise tail.
        using var zip = ZipFile.OpenRead(CheckpointTestData.PathOf("tensor_zoo.pth"));
        Assert.True(zip.Entries.Select(e => e.Length % 8).Distinct().Count() > 2);
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            var bytes = new byte[entry.Length];
            stream.ReadExactly(bytes);
            Assert.Equal(entry.Crc32, Crc32.Compute(bytes));
        }
    }
}
