using Google.Protobuf;

namespace SharpDistill.Training.Logging;

/// <summary>
/// Writes scalar summaries to a TensorBoard event file (events.out.tfevents.*). The Event and
/// Summary protobuf messages are encoded field by field with Google.Protobuf's CodedOutputStream,
/// using the field numbers of tensorflow/core/util/event.proto and summary.proto:
/// Event {1: wall_time double, 2: step int64, 3: file_version string, 5: summary Summary};
/// Summary {1: repeated Value}; Value {1: tag string, 2: simple_value float}.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream stream;

    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        // TensorBoard reads every events.out.tfevents.* file of a folder; a resumed run adds a new one.
        var name = $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}";
        for (var attempt = 0; ; attempt++)
        {
            FilePath = Path.Combine(directory, attempt == 0 ? name : $"{name}.{attempt}");
            try
            {
                stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                break;
            }
            catch (IOException) when (File.Exists(FilePath) && attempt < 1000)
            {
            }
        }
        WriteEvent(step: 0, output => output.WriteString("brain.Event:2"), fileVersion: true);
    }

    public string FilePath { get; private set; } = "";

    /// <summary>Appends one scalar (e.g. "test/top1" at epoch 3) and flushes, so a crash loses nothing written.</summary>
    public void AddScalar(string tag, double value, long step)
    {
        var valueBytes = Encode(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString(tag);
            o.WriteTag(2, WireFormat.WireType.Fixed32);
            o.WriteFloat((float)value);
        });
        var summaryBytes = Encode(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(valueBytes));
        });
        WriteEvent(step, o => o.WriteBytes(ByteString.CopyFrom(summaryBytes)), fileVersion: false);
    }

    private void WriteEvent(long step, Action<CodedOutputStream> writeBody, bool fileVersion)
    {
        var wallTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var eventBytes = Encode(o =>
        {
            o.WriteTag(1, WireFormat.WireType.Fixed64);
            o.WriteDouble(wallTime);
            o.WriteTag(2, WireFormat.WireType.Varint);
            o.WriteInt64(step);
            o.WriteTag(fileVersion ? 3 : 5, WireFormat.WireType.LengthDelimited);
            writeBody(o);
        });
        TfRecord.Write(stream, eventBytes);
        stream.Flush();
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var memory = new MemoryStream();
        var output = new CodedOutputStream(memory);
        write(output);
        output.Flush();
        return memory.ToArray();
    }

    public void Dispose() => stream.Dispose();
}
