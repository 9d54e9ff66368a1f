using SharpDistill.Pickle;

namespace SharpDistill.Data;

/// <summary>
/// Reads the pickles of the CIFAR "python version" (numpy arrays in a dict, as Python 2's cPickle
/// and Python 3 write them) with the project's one <see cref="PickleMachine"/>, allowing only the
/// numpy globals of <see cref="NumpyGlobals"/>. Every refusal is a <see cref="PickleException"/>
/// naming the file and the byte offset.
/// </summary>
internal static class PickleReader
{
    /// <summary>Reads the one pickled object in <paramref name="data"/>; <paramref name="path"/> is for messages.</summary>
    public static object? Read(byte[] data, string? path = null)
    {
        using var stream = new MemoryStream(data, writable: false);
        var value = PickleMachine.Load(stream, NumpyGlobals.Instance, (offset, message) => new PickleException(message, path, offset));
        if (stream.Position != data.Length)
            throw new PickleException($"{data.Length - stream.Position} unexpected bytes follow the STOP opcode", path, stream.Position);
        return value;
    }
}
