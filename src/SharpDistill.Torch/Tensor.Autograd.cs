using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// Autograd on a tensor.
public sealed partial class Tensor
{
    public bool RequiresGrad
    {
        get { Status.Check(Native.sd_tensor_requires_grad(Handle, out var r)); return r != 0; }
        set => Status.Check(Native.sd_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this (for chaining at creation).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>
    /// The accumulated gradient as a new handle (owned like any other result), or null when there is none.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            Status.Check(Native.sd_tensor_grad(Handle, out var g));
            return g.IsInvalid ? null : new Tensor(g);
        }
        set => Status.Check(Native.sd_tensor_set_grad(Handle, value?.Handle ?? TensorHandle.Null));
    }

    public bool IsLeaf
    {
        get { Status.Check(Native.sd_tensor_is_leaf(Handle, out var l)); return l != 0; }
    }

    /// <summary>Back-propagates from this tensor; a non-scalar tensor needs <paramref name="gradient"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false) =>
        Status.Check(Native.sd_tensor_backward(Handle, gradient?.Handle ?? TensorHandle.Null, retainGraph ? 1 : 0, createGraph ? 1 : 0));

    /// <summary>
    /// Replaces this tensor's data with <paramref name="data"/>'s, keeping its identity (PyTorch's
    /// <c>param.data = ...</c>); used to move parameters between devices and dtypes.
    /// </summary>
    public void SetData(Tensor data) => Status.Check(Native.sd_tensor_set_data(Handle, data.Handle));

    /// <summary>A tensor sharing storage but cut from the autograd graph.</summary>
    public Tensor Detach() => Wrap(Native.sd_tensor_detach(Handle, out var h), h);
}
