namespace SharpDistill.Torch;

/// <summary>
/// A dispose scope: every tensor created on this thread while the scope is the innermost one is
/// owned by it and disposed when the scope is disposed.
/// </summary>
/// <remarks>
/// Ownership rules (the whole memory model of SharpDistill.Torch):
/// <list type="number">
/// <item>Every <see cref="Tensor"/> owns exactly one native handle; disposing the tensor frees the
/// handle at once. The native storage lives on while any other handle (a view, a module's parameter,
/// autograd's saved tensors) still references it.</item>
/// <item>A tensor created while a scope is active on the current thread belongs to the innermost
/// scope. Disposing the scope disposes every tensor it still owns.</item>
/// <item>To keep a result beyond the scope, call <see cref="Tensor.MoveToOuterScope"/> (ownership
/// passes to the enclosing scope, or to the caller when there is none) or
/// <see cref="Tensor.DetachFromScope"/> (the caller owns it and must dispose it).</item>
/// <item>A tensor created outside any scope is owned by its creator (module parameters and buffers,
/// optimizer state). The SafeHandle finalizer frees forgotten handles, but that is a safety net:
/// <see cref="TorchRuntime.LiveTensorCount"/> lets tests prove that nothing is left behind.</item>
/// <item>Scopes nest and must be disposed innermost first, on the thread that created them.</item>
/// </list>
/// A training step runs inside one scope; only plain numbers (loss values, accuracies) leave it.
/// </remarks>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? current;

    private readonly TensorScope? parent;
    private readonly int threadId = Environment.CurrentManagedThreadId;
    private List<Tensor>? owned = new();

    public TensorScope()
    {
        parent = current;
        current = this;
    }

    /// <summary>The innermost scope of the current thread, or null.</summary>
    public static TensorScope? Current => current;

    /// <summary>Number of tensors this scope currently owns (disposed ones included until the scope ends).</summary>
    public int OwnedCount => owned?.Count ?? 0;

    internal TensorScope? Parent => parent;

    internal void Adopt(Tensor tensor)
    {
        if (owned == null) throw new ObjectDisposedException(nameof(TensorScope));
        owned.Add(tensor);
    }

    public void Dispose()
    {
        if (owned == null) return;
        if (Environment.CurrentManagedThreadId != threadId)
            throw new InvalidOperationException("a TensorScope must be disposed on the thread that created it");
        if (current != this)
            throw new InvalidOperationException("TensorScopes must be disposed innermost first");
        foreach (var tensor in owned)
            if (ReferenceEquals(tensor.Owner, this)) tensor.Dispose();
        owned = null;
        current = parent;
    }
}
