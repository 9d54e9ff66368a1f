using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>How a 4-D (N, C, H, W) tensor's elements are laid out in memory. The shape and the values
/// are the same either way; channels-last (NHWC strides) lets oneDNN's convolutions skip reorders.</summary>
public enum MemoryFormat
{
    Contiguous = 0,
    ChannelsLast = 1,
}

public sealed partial class Tensor
{
    /// <summary>This tensor laid out in <paramref name="format"/> (a new handle; shares storage when it already is).</summary>
    public Tensor ToMemoryFormat(MemoryFormat format) =>
        Wrap(Native.sd_tensor_to_memory_format(Handle, (int)format, out var h), h);

    /// <summary>Whether the tensor is dense in <paramref name="format"/>'s layout.</summary>
    public bool IsContiguousIn(MemoryFormat format)
    {
        Status.Check(Native.sd_tensor_is_contiguous_in(Handle, (int)format, out var c));
        return c != 0;
    }
}
