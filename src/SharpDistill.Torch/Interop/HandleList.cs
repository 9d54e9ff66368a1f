namespace SharpDistill.Torch.Interop;

/// <summary>Passes lists of tensors to native code and adopts lists of handles it returns.</summary>
internal static class HandleList
{
    /// <summary>
    /// Runs <paramref name="call"/> with the raw handles of <paramref name="tensors"/>, keeping every
    /// SafeHandle referenced (so none can be released) for the duration of the call.
    /// </summary>
    public static int With(IReadOnlyList<Tensor> tensors, Func<IntPtr[], int> call)
    {
        var raw = new IntPtr[tensors.Count];
        var handles = new TensorHandle[tensors.Count];
        var added = new bool[tensors.Count];
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                handles[i] = tensors[i].Handle;
                handles[i].DangerousAddRef(ref added[i]);
                raw[i] = handles[i].DangerousGetHandle();
            }
            return call(raw);
        }
        finally
        {
            for (var i = 0; i < handles.Length; i++)
                if (added[i]) handles[i].DangerousRelease();
        }
    }

    internal unsafe delegate (int Status, TensorHandle Result) ListCall(IntPtr* tensors, long count);

    /// <summary>Calls a native function that takes a tensor list and returns one new tensor.</summary>
    public static unsafe Tensor Combine(IReadOnlyList<Tensor> tensors, ListCall call)
    {
        TensorHandle? result = null;
        var status = With(tensors, raw =>
        {
            fixed (IntPtr* p = raw)
            {
                var (s, h) = call(p, raw.Length);
                result = h;
                return s;
            }
        });
        Status.Check(status);
        return new Tensor(result!);
    }

    /// <summary>Wraps the first <paramref name="count"/> raw handles (new, owned) as tensors.</summary>
    public static Tensor[] Adopt(IntPtr[] raw, int count)
    {
        var result = new Tensor[count];
        for (var i = 0; i < count; i++) result[i] = Adopt(raw[i]);
        return result;
    }

    public static Tensor Adopt(IntPtr raw)
    {
        var handle = new TensorHandle();
        System.Runtime.InteropServices.Marshal.InitHandle(handle, raw);
        return new Tensor(handle);
    }
}
