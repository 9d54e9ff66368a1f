/* Operations. Each is one call into libtorch; every result is a new handle the caller owns.
 * Optional tensor arguments may be NULL. Dimension lists are (pointer, count) pairs.
 * Reductions use at::Reduction numbering: 0 none, 1 mean, 2 sum. */
#ifndef SD_OPS_H
#define SD_OPS_H

/* ---- creation ---- */
sd_status sd_empty(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_zeros(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_ones(const int64_t* shape, int64_t ndim, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_full(const int64_t* shape, int64_t ndim, sd_scalar value, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_arange(sd_scalar start, sd_scalar end, sd_scalar step, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_eye(int64_t n, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_randn(const int64_t* shape, int64_t ndim, sd_generator g, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_rand(const int64_t* shape, int64_t ndim, sd_generator g, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, sd_generator g, int32_t dtype, int32_t device_type, int32_t device_index, sd_tensor* out);
sd_status sd_randperm(int64_t n, sd_generator g, sd_tensor* out);
sd_status sd_zeros_like(sd_tensor a, sd_tensor* out);
sd_status sd_ones_like(sd_tensor a, sd_tensor* out);
sd_status sd_full_like(sd_tensor a, sd_scalar value, sd_tensor* out);
sd_status sd_empty_like(sd_tensor a, sd_tensor* out);

/* ---- in-place (used by initialisers and optimizers; run them under no-grad) ---- */
sd_status sd_normal_(sd_tensor a, double mean, double std, sd_generator g);
sd_status sd_uniform_(sd_tensor a, double from, double to, sd_generator g);
sd_status sd_bernoulli_(sd_tensor a, double p, sd_generator g);
sd_status sd_fill_(sd_tensor a, sd_scalar value);
sd_status sd_zero_(sd_tensor a);
sd_status sd_copy_(sd_tensor dst, sd_tensor src);
sd_status sd_add_(sd_tensor a, sd_tensor b, sd_scalar alpha);
sd_status sd_add_scalar_(sd_tensor a, sd_scalar b);
sd_status sd_mul_(sd_tensor a, sd_tensor b);
sd_status sd_mul_scalar_(sd_tensor a, sd_scalar b);
sd_status sd_div_(sd_tensor a, sd_tensor b);
sd_status sd_addcmul_(sd_tensor a, sd_tensor t1, sd_tensor t2, sd_scalar value);
sd_status sd_addcdiv_(sd_tensor a, sd_tensor t1, sd_tensor t2, sd_scalar value);
sd_status sd_clamp_(sd_tensor a, const sd_scalar* min, const sd_scalar* max);
sd_status sd_masked_fill_(sd_tensor a, sd_tensor mask, sd_scalar value);

/* ---- shape and indexing ---- */
sd_status sd_view(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out);
sd_status sd_reshape(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out);
sd_status sd_permute(sd_tensor a, const int64_t* dims, int64_t ndim, sd_tensor* out);
sd_status sd_transpose(sd_tensor a, int64_t dim0, int64_t dim1, sd_tensor* out);
sd_status sd_contiguous(sd_tensor a, sd_tensor* out);
sd_status sd_clone(sd_tensor a, sd_tensor* out);
sd_status sd_unsqueeze(sd_tensor a, int64_t dim, sd_tensor* out);
sd_status sd_squeeze(sd_tensor a, int64_t dim, sd_tensor* out);
sd_status sd_squeeze_all(sd_tensor a, sd_tensor* out);
sd_status sd_flatten(sd_tensor a, int64_t start_dim, int64_t end_dim, sd_tensor* out);
sd_status sd_expand(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out);
sd_status sd_slice(sd_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, sd_tensor* out);
sd_status sd_select(sd_tensor a, int64_t dim, int64_t index, sd_tensor* out);
sd_status sd_narrow(sd_tensor a, int64_t dim, int64_t start, int64_t length, sd_tensor* out);
sd_status sd_index_select(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor* out);
sd_status sd_cat(const sd_tensor* tensors, int64_t n, int64_t dim, sd_tensor* out);
sd_status sd_stack(const sd_tensor* tensors, int64_t n, int64_t dim, sd_tensor* out);
/* Splits into `chunks` pieces along dim; out must hold `chunks` handles, *count gets how many were made. */
sd_status sd_chunk(sd_tensor a, int64_t chunks, int64_t dim, sd_tensor* out, int64_t* count);
sd_status sd_gather(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor* out);
sd_status sd_scatter(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor src, sd_tensor* out);
sd_status sd_scatter_value(sd_tensor a, int64_t dim, sd_tensor index, sd_scalar value, sd_tensor* out);
sd_status sd_scatter_add(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor src, sd_tensor* out);
sd_status sd_masked_fill(sd_tensor a, sd_tensor mask, sd_scalar value, sd_tensor* out);
sd_status sd_masked_select(sd_tensor a, sd_tensor mask, sd_tensor* out);
sd_status sd_where(sd_tensor cond, sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_flip(sd_tensor a, const int64_t* dims, int64_t ndim, sd_tensor* out);
sd_status sd_roll(sd_tensor a, int64_t shift, int64_t dim, sd_tensor* out);

/* ---- arithmetic (broadcasting) ---- */
sd_status sd_add(sd_tensor a, sd_tensor b, sd_scalar alpha, sd_tensor* out);
sd_status sd_sub(sd_tensor a, sd_tensor b, sd_scalar alpha, sd_tensor* out);
sd_status sd_mul(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_div(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_add_scalar(sd_tensor a, sd_scalar b, sd_tensor* out);
sd_status sd_mul_scalar(sd_tensor a, sd_scalar b, sd_tensor* out);
sd_status sd_div_scalar(sd_tensor a, sd_scalar b, sd_tensor* out);
sd_status sd_rsub_scalar(sd_tensor a, sd_scalar b, sd_tensor* out); /* b - a */
sd_status sd_rdiv_scalar(sd_tensor a, sd_scalar b, sd_tensor* out); /* b / a */
sd_status sd_pow(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_pow_scalar(sd_tensor a, sd_scalar exponent, sd_tensor* out);
sd_status sd_remainder_scalar(sd_tensor a, sd_scalar b, sd_tensor* out);
sd_status sd_maximum(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_minimum(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_clamp(sd_tensor a, const sd_scalar* min, const sd_scalar* max, sd_tensor* out);

/* unary: op codes in sd_unary_op */
typedef enum sd_unary_op {
  SD_NEG = 0, SD_EXP, SD_LOG, SD_SQRT, SD_RSQRT, SD_ABS, SD_SIGN, SD_SIGMOID, SD_TANH, SD_RELU,
  SD_RELU6, SD_GELU, SD_FLOOR, SD_CEIL, SD_ROUND, SD_RECIPROCAL, SD_LOG1P, SD_EXPM1, SD_SIN, SD_COS,
  SD_SQUARE, SD_LOGICAL_NOT, SD_ISNAN, SD_ISFINITE, SD_SILU, SD_GELU_TANH
} sd_unary_op;
sd_status sd_unary(sd_tensor a, int32_t op, sd_tensor* out);

/* comparisons and logic: op codes in sd_compare_op; results are bool tensors */
typedef enum sd_compare_op { SD_EQ = 0, SD_NE, SD_LT, SD_LE, SD_GT, SD_GE, SD_AND, SD_OR, SD_XOR } sd_compare_op;
sd_status sd_compare(sd_tensor a, sd_tensor b, int32_t op, sd_tensor* out);
sd_status sd_compare_scalar(sd_tensor a, sd_scalar b, int32_t op, sd_tensor* out);
sd_status sd_equal(sd_tensor a, sd_tensor b, int32_t* out);
sd_status sd_allclose(sd_tensor a, sd_tensor b, double rtol, double atol, int32_t* out);

/* ---- reductions ---- */
sd_status sd_sum_all(sd_tensor a, sd_tensor* out);
sd_status sd_sum(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out);
sd_status sd_mean_all(sd_tensor a, sd_tensor* out);
sd_status sd_mean(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out);
sd_status sd_max_all(sd_tensor a, sd_tensor* out);
sd_status sd_min_all(sd_tensor a, sd_tensor* out);
sd_status sd_max_dim(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* values, sd_tensor* indices);
sd_status sd_min_dim(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* values, sd_tensor* indices);
sd_status sd_argmax(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* out);
sd_status sd_argmin(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* out);
sd_status sd_topk(sd_tensor a, int64_t k, int64_t dim, int32_t largest, int32_t sorted, sd_tensor* values, sd_tensor* indices);
sd_status sd_sort(sd_tensor a, int64_t dim, int32_t descending, sd_tensor* values, sd_tensor* indices);
sd_status sd_std(sd_tensor a, const int64_t* dims, int64_t ndim, int64_t correction, int32_t keepdim, sd_tensor* out);
sd_status sd_var(sd_tensor a, const int64_t* dims, int64_t ndim, int64_t correction, int32_t keepdim, sd_tensor* out);
sd_status sd_norm(sd_tensor a, double p, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out);
sd_status sd_logsumexp(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out);
sd_status sd_cumsum(sd_tensor a, int64_t dim, sd_tensor* out);
sd_status sd_any(sd_tensor a, sd_tensor* out);
sd_status sd_all(sd_tensor a, sd_tensor* out);

/* ---- linear algebra ---- */
sd_status sd_matmul(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_mm(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_bmm(sd_tensor a, sd_tensor b, sd_tensor* out);
sd_status sd_linear(sd_tensor x, sd_tensor weight, sd_tensor bias, sd_tensor* out);

/* ---- neural-network functions ---- */
sd_status sd_conv2d(sd_tensor x, sd_tensor weight, sd_tensor bias, const int64_t* stride, const int64_t* padding,
                    const int64_t* dilation, int64_t groups, sd_tensor* out); /* stride/padding/dilation: 2 each */
sd_status sd_batch_norm(sd_tensor x, sd_tensor weight, sd_tensor bias, sd_tensor running_mean, sd_tensor running_var,
                        int32_t training, double momentum, double eps, sd_tensor* out);
sd_status sd_max_pool2d(sd_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                        const int64_t* dilation, int32_t ceil_mode, sd_tensor* out);
sd_status sd_avg_pool2d(sd_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                        int32_t ceil_mode, int32_t count_include_pad, sd_tensor* out);
sd_status sd_adaptive_avg_pool2d(sd_tensor x, const int64_t* output_size, sd_tensor* out);
sd_status sd_dropout(sd_tensor x, double p, int32_t train, sd_tensor* out);
sd_status sd_leaky_relu(sd_tensor x, double slope, sd_tensor* out);
sd_status sd_hardtanh(sd_tensor x, double min, double max, sd_tensor* out);
sd_status sd_softmax(sd_tensor x, int64_t dim, sd_tensor* out);
sd_status sd_log_softmax(sd_tensor x, int64_t dim, sd_tensor* out);
sd_status sd_kl_div(sd_tensor input, sd_tensor target, int32_t reduction, int32_t log_target, sd_tensor* out);
sd_status sd_cross_entropy(sd_tensor input, sd_tensor target, sd_tensor weight, int32_t reduction,
                           int64_t ignore_index, double label_smoothing, sd_tensor* out);
sd_status sd_nll_loss(sd_tensor input, sd_tensor target, sd_tensor weight, int32_t reduction, int64_t ignore_index, sd_tensor* out);
sd_status sd_mse_loss(sd_tensor input, sd_tensor target, int32_t reduction, sd_tensor* out);
sd_status sd_normalize(sd_tensor x, double p, int64_t dim, double eps, sd_tensor* out);
sd_status sd_one_hot(sd_tensor labels, int64_t num_classes, sd_tensor* out);
sd_status sd_channel_shuffle(sd_tensor x, int64_t groups, sd_tensor* out);

#endif
