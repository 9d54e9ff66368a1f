using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>
/// libtorch's autocast: inside a scope, the operations libtorch lists for the device type
/// (convolutions, matrix products) run in the reduced dtype and the precision-sensitive ones in
/// float32 — libtorch's own policy, nothing decided here. CPU and CUDA have separate states; a scope
/// covers the operations on its device type only. The state is thread-local: dispose a scope on the
/// thread that opened it, innermost first.
/// </summary>
public static class Autocast
{
    /// <summary>Whether CPU autocast is on for this thread.</summary>
    public static bool IsCpuEnabled => IsEnabled(DeviceType.Cpu);

    /// <summary>The dtype CPU autocast casts to on this thread.</summary>
    public static DType CpuDType => DTypeOf(DeviceType.Cpu);

    /// <summary>Whether autocast for <paramref name="device"/> is on for this thread.</summary>
    public static bool IsEnabled(DeviceType device)
    {
        Status.Check(Native.sd_autocast_state((int)device, out var enabled, out _));
        return enabled != 0;
    }

    /// <summary>The dtype autocast for <paramref name="device"/> casts to on this thread.</summary>
    public static DType DTypeOf(DeviceType device)
    {
        Status.Check(Native.sd_autocast_state((int)device, out _, out var dtype));
        return (DType)dtype;
    }

    /// <summary>
    /// Turns CPU autocast on (bfloat16, the only dtype libtorch 1.13 supports on the CPU) until the
    /// scope is disposed, which restores the previous state — also when an exception leaves the
    /// <c>using</c> block.
    /// </summary>
    public static IDisposable Cpu(DType dtype = DType.BFloat16) => Enter(DeviceType.Cpu, dtype);

    /// <summary>
    /// Autocast for the operations on <paramref name="device"/>'s type (CPU: bfloat16; CUDA: bfloat16
    /// or float16): a scope opened for the wrong device type would silently change nothing, so
    /// callers pass the device their tensors live on.
    /// </summary>
    public static IDisposable For(Device device, DType dtype = DType.BFloat16) => Enter(device.Type, dtype);

    private static Scope Enter(DeviceType device, DType dtype)
    {
        Status.Check(Native.sd_autocast_enter((int)device, (int)dtype, out var previousEnabled, out var previousDType));
        return new Scope(device, previousEnabled, previousDType);
    }

    private sealed class Scope(DeviceType device, int previousEnabled, int previousDType) : IDisposable
    {
        private readonly int threadId = Environment.CurrentManagedThreadId;
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            if (Environment.CurrentManagedThreadId != threadId)
                throw new InvalidOperationException("an autocast scope must be disposed on the thread that created it");
            disposed = true;
            Status.Check(Native.sd_autocast_exit((int)device, previousEnabled, previousDType));
        }
    }
}
