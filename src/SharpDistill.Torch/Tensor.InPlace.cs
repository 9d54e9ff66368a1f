using SharpDistill.Torch.Interop;

namespace SharpDistill.Torch;

// In-place updates (names end in an underscore, as in PyTorch). Each returns this. Use them on
// leaf tensors that require grad only under Autograd.NoGrad() (initialisers, optimizers).
public sealed partial class Tensor
{
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        Status.Check(Native.sd_normal_(Handle, mean, std, generator?.Handle ?? GeneratorHandle.Null));
        return this;
    }

    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        Status.Check(Native.sd_uniform_(Handle, from, to, generator?.Handle ?? GeneratorHandle.Null));
        return this;
    }

    public Tensor Bernoulli_(double p, Generator? generator = null)
    {
        Status.Check(Native.sd_bernoulli_(Handle, p, generator?.Handle ?? GeneratorHandle.Null));
        return this;
    }

    public Tensor Fill_(Scalar value) { Status.Check(Native.sd_fill_(Handle, value.Native)); return this; }
    public Tensor Zero_() { Status.Check(Native.sd_zero_(Handle)); return this; }
    public Tensor Copy_(Tensor source) { Status.Check(Native.sd_copy_(Handle, source.Handle)); return this; }
    public Tensor Add_(Tensor other, Scalar? alpha = null) { Status.Check(Native.sd_add_(Handle, other.Handle, (alpha ?? 1).Native)); return this; }
    public Tensor Add_(Scalar other) { Status.Check(Native.sd_add_scalar_(Handle, other.Native)); return this; }
    public Tensor Mul_(Tensor other) { Status.Check(Native.sd_mul_(Handle, other.Handle)); return this; }
    public Tensor Mul_(Scalar other) { Status.Check(Native.sd_mul_scalar_(Handle, other.Native)); return this; }
    public Tensor Div_(Tensor other) { Status.Check(Native.sd_div_(Handle, other.Handle)); return this; }

    /// <summary>this += value · t1 · t2.</summary>
    public Tensor AddCMul_(Tensor t1, Tensor t2, Scalar value) { Status.Check(Native.sd_addcmul_(Handle, t1.Handle, t2.Handle, value.Native)); return this; }

    /// <summary>this += value · t1 / t2.</summary>
    public Tensor AddCDiv_(Tensor t1, Tensor t2, Scalar value) { Status.Check(Native.sd_addcdiv_(Handle, t1.Handle, t2.Handle, value.Native)); return this; }

    public unsafe Tensor Clamp_(Scalar? min = null, Scalar? max = null)
    {
        var lo = min?.Native ?? default;
        var hi = max?.Native ?? default;
        Status.Check(Native.sd_clamp_(Handle, min.HasValue ? &lo : null, max.HasValue ? &hi : null));
        return this;
    }

    public Tensor MaskedFill_(Tensor mask, Scalar value) { Status.Check(Native.sd_masked_fill_(Handle, mask.Handle, value.Native)); return this; }
}
