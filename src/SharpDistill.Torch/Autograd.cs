using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

/// <summary>Grad-mode and inference-mode scopes, and functional gradients.</summary>
public static class Autograd
{
    public static bool IsGradEnabled
    {
        get { Status.Check(Native.sd_grad_enabled(out var e)); return e != 0; }
    }

    public static bool IsInferenceMode
    {
        get { Status.Check(Native.sd_is_inference_mode(out var e)); return e != 0; }
    }

    /// <summary>Disables gradient recording until disposed (restoring the previous state).</summary>
    public static IDisposable NoGrad() => new GradModeScope(false);

    /// <summary>Enables gradient recording until disposed (restoring the previous state).</summary>
    public static IDisposable EnableGrad() => new GradModeScope(true);

    /// <summary>
    /// libtorch's inference mode until disposed: no autograd recording and no version counting,
    /// faster than NoGrad. Tensors created inside can never take part in autograd later.
    /// Dispose on the same thread, innermost first.
    /// </summary>
    public static IDisposable InferenceMode()
    {
        Status.Check(Native.sd_inference_mode_enter(out var guard));
        return new InferenceModeScope(guard);
    }

    /// <summary>Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/> (null where unused).</summary>
    public static unsafe Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor>? gradOutputs = null, bool createGraph = false)
    {
        // The shim reads one gradient per output: a shorter list would be read past its end.
        if (gradOutputs != null && gradOutputs.Count != outputs.Count)
            throw new TorchArgumentException(
                $"Autograd.Grad got {gradOutputs.Count} gradOutputs for {outputs.Count} outputs; give one per output");
        var grads = new IntPtr[inputs.Count];
        HandleList.With(outputs, outs => HandleList.With(inputs, ins =>
        {
            int Call(IntPtr[]? gouts)
            {
                fixed (IntPtr* o = outs)
                fixed (IntPtr* i = ins)
                fixed (IntPtr* g = gouts)
                fixed (IntPtr* r = grads)
                {
                    var status = Native.sd_autograd_grad(o, outs.Length, i, ins.Length, g, createGraph ? 1 : 0, r);
                    Status.Check(status);
                    return status;
                }
            }
            return gradOutputs == null ? Call(null) : HandleList.With(gradOutputs, Call);
        }));
        return grads.Select(p => p == IntPtr.Zero ? null : HandleList.Adopt(p)).ToArray();
    }

    // libtorch's guard restores thread-local state of the thread that releases it, so releasing it
    // on another thread would leave this one in inference mode and corrupt that one: refuse.
    private sealed class InferenceModeScope(InferenceGuardHandle guard) : IDisposable
    {
        private readonly int threadId = Environment.CurrentManagedThreadId;

        public void Dispose()
        {
            if (guard.IsClosed) return;
            if (Environment.CurrentManagedThreadId != threadId)
                throw new InvalidOperationException("an InferenceMode scope must be disposed on the thread that created it");
            guard.Dispose();
        }
    }

    // Grad mode is thread-local too: restoring it from another thread would change the wrong one.
    private sealed class GradModeScope : IDisposable
    {
        private readonly int previous;
        private readonly int threadId = Environment.CurrentManagedThreadId;
        private bool disposed;

        public GradModeScope(bool enabled) => Status.Check(Native.sd_set_grad_enabled(enabled ? 1 : 0, out previous));

        public void Dispose()
        {
            if (disposed) return;
            if (Environment.CurrentManagedThreadId != threadId)
                throw new InvalidOperationException("a NoGrad/EnableGrad scope must be disposed on the thread that created it");
            disposed = true;
            Status.Check(Native.sd_set_grad_enabled(previous, out _));
        }
    }
}
