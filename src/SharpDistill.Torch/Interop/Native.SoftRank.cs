using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

// P/Invoke declarations of native/include/sd_softrank.h.
internal static partial class Native
{
    [LibraryImport(Library)]
    internal static partial int sd_soft_rank(TensorHandle values, int regularization, double strength,
        out TensorHandle ranks, out TensorHandle blocks);
}
