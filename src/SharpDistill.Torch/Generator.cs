using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>A seedable CPU random generator (libtorch's Philox/MT generator), for reproducible sampling.</summary>
public sealed class Generator : IDisposable
{
    internal GeneratorHandle Handle { get; }

    public Generator(ulong seed)
    {
        Status.Check(Native.sd_generator_new(seed, out var h));
        Handle = h;
    }

    public void ManualSeed(ulong seed) => Status.Check(Native.sd_generator_set_seed(Handle, seed));

    /// <summary>The full generator state as a uint8 tensor (for checkpoints).</summary>
    public Tensor GetState() => Tensor.Wrap(Native.sd_generator_get_state(Handle, out var h), h);

    public void SetState(Tensor state) => Status.Check(Native.sd_generator_set_state(Handle, state.Handle));

    public void Dispose() => Handle.Dispose();
}
