using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

/// <summary>Turns an sd_status into the matching typed exception with libtorch's message.</summary>
internal static class Status
{
    public static void Check(int status)
    {
        if (status != 0) throw FromStatus(status);
    }

    private static TorchException FromStatus(int status)
    {
        var message = Marshal.PtrToStringUTF8(Native.sd_last_error()) ?? "(no message)";
        return status switch
        {
            2 => new TorchArgumentException(message),
            3 => new TorchIndexException(message),
            4 => new TorchTypeException(message),
            5 => new TorchNotImplementedException(message),
            6 => new TorchOutOfMemoryException(message),
            9 => new TorchDistributedException(message),
            // libtorch reports most argument problems (shape mismatches, wrong sizes) as plain
            // c10::Error through TORCH_CHECK; they are still the caller's argument errors.
            1 => new TorchArgumentException(message),
            _ => new TorchException(message),
        };
    }
}
