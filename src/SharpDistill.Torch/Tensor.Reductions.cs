using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// Reductions and linear algebra.
public sealed partial class Tensor
{
    public Tensor Sum() => Wrap(Native.sd_sum_all(Handle, out var h), h);
    public Tensor Mean() => Wrap(Native.sd_mean_all(Handle, out var h), h);
    public Tensor Max() => Wrap(Native.sd_max_all(Handle, out var h), h);
    public Tensor Min() => Wrap(Native.sd_min_all(Handle, out var h), h);

    public unsafe Tensor Sum(long[] dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.sd_sum(Handle, p, dims.Length, keepDim ? 1 : 0, out var h), h);
    }

    public Tensor Sum(long dim, bool keepDim = false) => Sum(new[] { dim }, keepDim);

    public unsafe Tensor Mean(long[] dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.sd_mean(Handle, p, dims.Length, keepDim ? 1 : 0, out var h), h);
    }

    public Tensor Mean(long dim, bool keepDim = false) => Mean(new[] { dim }, keepDim);

    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        Status.Check(Native.sd_max_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) Min(long dim, bool keepDim = false)
    {
        Status.Check(Native.sd_min_dim(Handle, dim, keepDim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public Tensor ArgMax(long dim, bool keepDim = false) => Wrap(Native.sd_argmax(Handle, dim, keepDim ? 1 : 0, out var h), h);
    public Tensor ArgMin(long dim, bool keepDim = false) => Wrap(Native.sd_argmin(Handle, dim, keepDim ? 1 : 0, out var h), h);

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        Status.Check(Native.sd_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false)
    {
        Status.Check(Native.sd_sort(Handle, dim, descending ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Standard deviation over <paramref name="dims"/> (all when null); correction 1 = unbiased, 0 = population.</summary>
    public unsafe Tensor Std(long[]? dims = null, long correction = 1, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.sd_std(Handle, p, dims?.Length ?? -1, correction, keepDim ? 1 : 0, out var h), h);
    }

    public unsafe Tensor Var(long[]? dims = null, long correction = 1, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.sd_var(Handle, p, dims?.Length ?? -1, correction, keepDim ? 1 : 0, out var h), h);
    }

    /// <summary>The p-norm over <paramref name="dims"/> (over all elements when null).</summary>
    public unsafe Tensor Norm(double p = 2, long[]? dims = null, bool keepDim = false)
    {
        fixed (long* d = dims) return Wrap(Native.sd_norm(Handle, p, d, dims?.Length ?? -1, keepDim ? 1 : 0, out var h), h);
    }

    public unsafe Tensor LogSumExp(long[] dims, bool keepDim = false)
    {
        fixed (long* p = dims) return Wrap(Native.sd_logsumexp(Handle, p, dims.Length, keepDim ? 1 : 0, out var h), h);
    }

    public Tensor LogSumExp(long dim, bool keepDim = false) => LogSumExp(new[] { dim }, keepDim);
    public Tensor CumSum(long dim) => Wrap(Native.sd_cumsum(Handle, dim, out var h), h);
    public Tensor Any() => Wrap(Native.sd_any(Handle, out var h), h);
    public Tensor All() => Wrap(Native.sd_all(Handle, out var h), h);

    public Tensor MatMul(Tensor other) => Wrap(Native.sd_matmul(Handle, other.Handle, out var h), h);
    public Tensor Mm(Tensor other) => Wrap(Native.sd_mm(Handle, other.Handle, out var h), h);
    public Tensor Bmm(Tensor other) => Wrap(Native.sd_bmm(Handle, other.Handle, out var h), h);
}
