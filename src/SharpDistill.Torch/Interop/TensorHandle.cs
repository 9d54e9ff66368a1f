using Microsoft.Win32.SafeHandles;

namespace SharpDistill.Torch.Interop;

/// <summary>
/// Owns one native tensor handle (one reference to an at::Tensor). Released exactly once, either
/// deterministically through <see cref="Tensor.Dispose"/> (the plan) or by the finalizer (the safety net).
/// </summary>
internal sealed class TensorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TensorHandle() : base(ownsHandle: true) { }

    /// <summary>Stands for an absent optional tensor: marshals as NULL and is never released.</summary>
    public static readonly TensorHandle Null = new();

    protected override bool ReleaseHandle() => Native.sd_tensor_free(handle) == 0;
}

/// <summary>Owns a native random generator.</summary>
internal sealed class GeneratorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public GeneratorHandle() : base(ownsHandle: true) { }

    /// <summary>Stands for libtorch's default generator: marshals as NULL and is never released.</summary>
    public static readonly GeneratorHandle Null = new();

    protected override bool ReleaseHandle() => Native.sd_generator_free(handle) == 0;
}

/// <summary>Owns a native inference-mode guard; must be released on the thread that created it.</summary>
internal sealed class InferenceGuardHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public InferenceGuardHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle() => Native.sd_inference_mode_exit(handle) == 0;
}
