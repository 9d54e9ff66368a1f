using System.Runtime.InteropServices;

namespace SharpDistill.Torch.Interop;

// P/Invoke declarations of native/include/sd_ops.h. Optional tensors are nullable handles (NULL when absent).
internal static unsafe partial class Native
{
    // creation
    [LibraryImport(Library)] internal static partial int sd_empty(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_zeros(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_ones(long* shape, long ndim, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_full(long* shape, long ndim, NativeScalar value, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_eye(long n, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_randn(long* shape, long ndim, GeneratorHandle generator, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_rand(long* shape, long ndim, GeneratorHandle generator, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_randint(long low, long high, long* shape, long ndim, GeneratorHandle generator, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_randperm(long n, GeneratorHandle generator, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_zeros_like(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_ones_like(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_full_like(TensorHandle a, NativeScalar value, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_empty_like(TensorHandle a, out TensorHandle result);

    // in-place
    [LibraryImport(Library)] internal static partial int sd_normal_(TensorHandle a, double mean, double std, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int sd_uniform_(TensorHandle a, double from, double to, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int sd_bernoulli_(TensorHandle a, double p, GeneratorHandle generator);
    [LibraryImport(Library)] internal static partial int sd_fill_(TensorHandle a, NativeScalar value);
    [LibraryImport(Library)] internal static partial int sd_zero_(TensorHandle a);
    [LibraryImport(Library)] internal static partial int sd_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Library)] internal static partial int sd_add_(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Library)] internal static partial int sd_add_scalar_(TensorHandle a, NativeScalar b);
    [LibraryImport(Library)] internal static partial int sd_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial int sd_mul_scalar_(TensorHandle a, NativeScalar b);
    [LibraryImport(Library)] internal static partial int sd_div_(TensorHandle a, TensorHandle b);
    [LibraryImport(Library)] internal static partial int sd_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Library)] internal static partial int sd_addcdiv_(TensorHandle a, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Library)] internal static partial int sd_clamp_(TensorHandle a, NativeScalar* min, NativeScalar* max);
    [LibraryImport(Library)] internal static partial int sd_masked_fill_(TensorHandle a, TensorHandle mask, NativeScalar value);

    // shape and indexing
    [LibraryImport(Library)] internal static partial int sd_view(TensorHandle a, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_reshape(TensorHandle a, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_permute(TensorHandle a, long* dims, long ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_transpose(TensorHandle a, long dim0, long dim1, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_contiguous(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_clone(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_unsqueeze(TensorHandle a, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_squeeze(TensorHandle a, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_squeeze_all(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_flatten(TensorHandle a, long startDim, long endDim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_expand(TensorHandle a, long* shape, long ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_slice(TensorHandle a, long dim, long start, long end, long step, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_select(TensorHandle a, long dim, long index, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_narrow(TensorHandle a, long dim, long start, long length, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_index_select(TensorHandle a, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_cat(IntPtr* tensors, long n, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_stack(IntPtr* tensors, long n, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_chunk(TensorHandle a, long chunks, long dim, IntPtr* result, out long count);
    [LibraryImport(Library)] internal static partial int sd_gather(TensorHandle a, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_scatter(TensorHandle a, long dim, TensorHandle index, TensorHandle src, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_scatter_value(TensorHandle a, long dim, TensorHandle index, NativeScalar value, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_scatter_add(TensorHandle a, long dim, TensorHandle index, TensorHandle src, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_masked_fill(TensorHandle a, TensorHandle mask, NativeScalar value, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_masked_select(TensorHandle a, TensorHandle mask, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_where(TensorHandle condition, TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_flip(TensorHandle a, long* dims, long ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_roll(TensorHandle a, long shift, long dim, out TensorHandle result);

    // arithmetic
    [LibraryImport(Library)] internal static partial int sd_add(TensorHandle a, TensorHandle b, NativeScalar alpha, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_sub(TensorHandle a, TensorHandle b, NativeScalar alpha, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mul(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_div(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_add_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mul_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_div_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_rsub_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_rdiv_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_pow(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_pow_scalar(TensorHandle a, NativeScalar exponent, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_remainder_scalar(TensorHandle a, NativeScalar b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_maximum(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_minimum(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_clamp(TensorHandle a, NativeScalar* min, NativeScalar* max, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_unary(TensorHandle a, int op, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_compare(TensorHandle a, TensorHandle b, int op, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_compare_scalar(TensorHandle a, NativeScalar b, int op, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_equal(TensorHandle a, TensorHandle b, out int equal);
    [LibraryImport(Library)] internal static partial int sd_allclose(TensorHandle a, TensorHandle b, double rtol, double atol, out int close);

    // reductions
    [LibraryImport(Library)] internal static partial int sd_sum_all(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_sum(TensorHandle a, long* dims, long ndim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mean_all(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mean(TensorHandle a, long* dims, long ndim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_max_all(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_min_all(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_max_dim(TensorHandle a, long dim, int keepdim, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial int sd_min_dim(TensorHandle a, long dim, int keepdim, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial int sd_argmax(TensorHandle a, long dim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_argmin(TensorHandle a, long dim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_topk(TensorHandle a, long k, long dim, int largest, int sorted, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial int sd_sort(TensorHandle a, long dim, int descending, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Library)] internal static partial int sd_std(TensorHandle a, long* dims, long ndim, long correction, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_var(TensorHandle a, long* dims, long ndim, long correction, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_norm(TensorHandle a, double p, long* dims, long ndim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_logsumexp(TensorHandle a, long* dims, long ndim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_cumsum(TensorHandle a, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_any(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_all(TensorHandle a, out TensorHandle result);

    // linear algebra
    [LibraryImport(Library)] internal static partial int sd_matmul(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mm(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_bmm(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_linear(TensorHandle x, TensorHandle weight, TensorHandle bias, out TensorHandle result);

    // neural-network functions
    [LibraryImport(Library)] internal static partial int sd_conv2d(TensorHandle x, TensorHandle weight, TensorHandle bias, long* stride, long* padding, long* dilation, long groups, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle runningMean, TensorHandle runningVar, int training, double momentum, double eps, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_max_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_avg_pool2d(TensorHandle x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_adaptive_avg_pool2d(TensorHandle x, long* outputSize, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_dropout(TensorHandle x, double p, int train, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_leaky_relu(TensorHandle x, double slope, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_hardtanh(TensorHandle x, double min, double max, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_softmax(TensorHandle x, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_log_softmax(TensorHandle x, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_kl_div(TensorHandle input, TensorHandle target, int reduction, int logTarget, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_cross_entropy(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, double labelSmoothing, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_nll_loss(TensorHandle input, TensorHandle target, TensorHandle weight, int reduction, long ignoreIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_mse_loss(TensorHandle input, TensorHandle target, int reduction, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_normalize(TensorHandle x, double p, long dim, double eps, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_one_hot(TensorHandle labels, long numClasses, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int sd_channel_shuffle(TensorHandle x, long groups, out TensorHandle result);
}
