using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// Views, shape changes and indexing.
public sealed partial class Tensor
{
    public unsafe Tensor View(params long[] shape)
    {
        ShapeCheck.Sizes("View", shape, maxInferred: 1);
        fixed (long* p = shape) return Wrap(Native.sd_view(Handle, p, shape.Length, out var h), h);
    }

    public unsafe Tensor Reshape(params long[] shape)
    {
        ShapeCheck.Sizes("Reshape", shape, maxInferred: 1);
        fixed (long* p = shape) return Wrap(Native.sd_reshape(Handle, p, shape.Length, out var h), h);
    }

    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(Native.sd_permute(Handle, p, dims.Length, out var h), h);
    }

    public unsafe Tensor Expand(params long[] shape)
    {
        ShapeCheck.Sizes("Expand", shape, maxInferred: int.MaxValue);
        fixed (long* p = shape) return Wrap(Native.sd_expand(Handle, p, shape.Length, out var h), h);
    }

    public unsafe Tensor Flip(params long[] dims)
    {
        fixed (long* p = dims) return Wrap(Native.sd_flip(Handle, p, dims.Length, out var h), h);
    }

    public Tensor Transpose(long dim0, long dim1) => Wrap(Native.sd_transpose(Handle, dim0, dim1, out var h), h);
    /// <summary>Transpose of a 2-D tensor.</summary>
    public Tensor T() => Transpose(0, 1);
    public Tensor Contiguous() => Wrap(Native.sd_contiguous(Handle, out var h), h);
    public Tensor Clone() => Wrap(Native.sd_clone(Handle, out var h), h);
    public Tensor Unsqueeze(long dim) => Wrap(Native.sd_unsqueeze(Handle, dim, out var h), h);
    public Tensor Squeeze(long dim) => Wrap(Native.sd_squeeze(Handle, dim, out var h), h);
    public Tensor Squeeze() => Wrap(Native.sd_squeeze_all(Handle, out var h), h);
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(Native.sd_flatten(Handle, startDim, endDim, out var h), h);
    public Tensor Slice(long dim, long start, long end, long step = 1) => Wrap(Native.sd_slice(Handle, dim, start, end, step, out var h), h);
    public Tensor Select(long dim, long index) => Wrap(Native.sd_select(Handle, dim, index, out var h), h);
    public Tensor Narrow(long dim, long start, long length) => Wrap(Native.sd_narrow(Handle, dim, start, length, out var h), h);
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(Native.sd_index_select(Handle, dim, index.Handle, out var h), h);
    public Tensor Gather(long dim, Tensor index) => Wrap(Native.sd_gather(Handle, dim, index.Handle, out var h), h);
    public Tensor Scatter(long dim, Tensor index, Tensor source) => Wrap(Native.sd_scatter(Handle, dim, index.Handle, source.Handle, out var h), h);
    public Tensor Scatter(long dim, Tensor index, Scalar value) => Wrap(Native.sd_scatter_value(Handle, dim, index.Handle, value.Native, out var h), h);
    public Tensor ScatterAdd(long dim, Tensor index, Tensor source) => Wrap(Native.sd_scatter_add(Handle, dim, index.Handle, source.Handle, out var h), h);
    public Tensor MaskedFill(Tensor mask, Scalar value) => Wrap(Native.sd_masked_fill(Handle, mask.Handle, value.Native, out var h), h);
    public Tensor MaskedSelect(Tensor mask) => Wrap(Native.sd_masked_select(Handle, mask.Handle, out var h), h);
    public Tensor Roll(long shift, long dim) => Wrap(Native.sd_roll(Handle, shift, dim, out var h), h);

    /// <summary>Splits into <paramref name="chunks"/> pieces along <paramref name="dim"/> (the last may be smaller).</summary>
    public unsafe Tensor[] Chunk(long chunks, long dim = 0)
    {
        if (chunks < 1) throw new TorchArgumentException($"chunk expects at least 1 chunk, got {chunks}");
        var raw = new IntPtr[chunks];
        long count;
        fixed (IntPtr* p = raw) Status.Check(Native.sd_chunk(Handle, chunks, dim, p, out count));
        return HandleList.Adopt(raw, (int)count);
    }

    /// <summary>
    /// Indexing with integers (select), ranges (slices) and <see cref="TensorIndex.All"/>, one per
    /// leading dimension: <c>x[0]</c>, <c>x[.., 1..3]</c>, <c>x[TensorIndex.All, ^1]</c>.
    /// </summary>
    public Tensor this[params TensorIndex[] indices] => TensorIndex.Apply(this, indices);
}
