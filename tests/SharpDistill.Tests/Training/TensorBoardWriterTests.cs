using System.Text;
using Google.Protobuf;
using SharpDistill.Training.Logging;

namespace SharpDistill.Tests.Training;

public class TensorBoardWriterTests
{
    [Fact]
    public void Crc32CMatchesTheStandardCheckValue() =>
        Assert.Equal(0xE3069283u, TfRecord.Crc32C(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void WritesAFileVersionEventThenScalarsThatDecode()
    {
        var dir = Directory.CreateTempSubdirectory("sdtb").FullName;
        try
        {
            string path;
            using (var writer = new TensorBoardWriter(dir))
            {
                writer.AddScalar("test/top1", 87.5, 3);
                writer.AddScalar("train/loss", 0.25, 4);
                path = writer.FilePath;
            }
            Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
            using var stream = File.OpenRead(path);
            var records = TfRecord.ReadAll(stream).ToList();
            Assert.Equal(3, records.Count);
            Assert.Equal("brain.Event:2", DecodeEvent(records[0]).FileVersion);
            var first = DecodeEvent(records[1]);
            Assert.Equal((3L, "test/top1", 87.5f), (first.Step, first.Tag, first.Value));
            var second = DecodeEvent(records[2]);
            Assert.Equal((4L, "train/loss", 0.25f), (second.Step, second.Tag, second.Value));
            Assert.True(first.WallTime > 1.6e9);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ReaderDetectsCorruption()
    {
        using var memory = new MemoryStream();
        TfRecord.Write(memory, new byte[] { 1, 2, 3 });
        var bytes = memory.ToArray();
        bytes[13] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(new MemoryStream(bytes)).ToList());
        Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(new MemoryStream(bytes[..10])).ToList());
    }

    private static (double WallTime, long Step, string? FileVersion, string? Tag, float Value) DecodeEvent(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        double wall = 0;
        long step = 0;
        string? version = null, tag = null;
        float value = float.NaN;
        uint t;
        while ((t = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(t))
            {
                case 1: wall = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5:
                    var summary = new CodedInputStream(input.ReadBytes().ToByteArray());
                    Assert.Equal(1, WireFormat.GetTagFieldNumber(summary.ReadTag()));
                    var v = new CodedInputStream(summary.ReadBytes().ToByteArray());
                    uint vt;
                    while ((vt = v.ReadTag()) != 0)
                        if (WireFormat.GetTagFieldNumber(vt) == 1) tag = v.ReadString(); else value = v.ReadFloat();
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return (wall, step, version, tag, value);
    }
}
