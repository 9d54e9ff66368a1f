using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>
/// libtorch's CPU autocast: inside a scope, the operations libtorch lists for it (convolutions,
/// matrix products) run in bfloat16 and the precision-sensitive ones in float32 — libtorch's own
/// policy, nothing decided here. The state is thread-local: dispose a scope on the thread that
/// opened it, innermost first.
/// </summary>
public static class Autocast
{
    /// <summary>Whether CPU autocast is on for this thread.</summary>
    public static bool IsCpuEnabled
    {
        get { Status.Check(Native.sd_autocast_cpu_state(out var enabled, out _)); return enabled != 0; }
    }

    /// <summary>The dtype CPU autocast casts to on this thread.</summary>
    public static DType CpuDType
    {
        get { Status.Check(Native.sd_autocast_cpu_state(out _, out var dtype)); return (DType)dtype; }
    }

    /// <summary>
    /// Turns CPU autocast on (bfloat16, the only dtype libtorch 1.13 supports on the CPU) until the
    /// scope is disposed, which restores the previous state — also when an exception leaves the
    /// <c>using</c> block.
    /// </summary>
    public static IDisposable Cpu(DType dtype = DType.BFloat16)
    {
        Status.Check(Native.sd_autocast_cpu_enter((int)dtype, out var previousEnabled, out var previousDType));
        return new Scope(previousEnabled, previousDType);
    }

    private sealed class Scope(int previousEnabled, int previousDType) : IDisposable
    {
        private readonly int threadId = Environment.CurrentManagedThreadId;
        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            if (Environment.CurrentManagedThreadId != threadId)
                throw new InvalidOperationException("an autocast scope must be disposed on the thread that created it");
            disposed = true;
            Status.Check(Native.sd_autocast_cpu_exit(previousEnabled, previousDType));
        }
    }
}
