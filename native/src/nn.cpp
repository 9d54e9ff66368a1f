// Neural-network functions: convolution, normalisation, pooling, activations and losses.
#include "shim.h"

using sd::T;

static at::IntArrayRef pair(const int64_t* values) { return sd::dims(values, 2); }

SD_EXPORT sd_status sd_conv2d(sd_tensor x, sd_tensor weight, sd_tensor bias, const int64_t* stride, const int64_t* padding,
                              const int64_t* dilation, int64_t groups, sd_tensor* out) {
  SD_TRY(sd::put(out, at::conv2d(T(x), T(weight), sd::opt(bias), pair(stride), pair(padding), pair(dilation), groups)));
}
SD_EXPORT sd_status sd_batch_norm(sd_tensor x, sd_tensor weight, sd_tensor bias, sd_tensor running_mean,
                                  sd_tensor running_var, int32_t training, double momentum, double eps, sd_tensor* out) {
  SD_TRY(sd::put(out, at::batch_norm(T(x), sd::opt(weight), sd::opt(bias), sd::opt(running_mean), sd::opt(running_var),
                                     training != 0, momentum, eps, /*cudnn_enabled=*/true)));
}
SD_EXPORT sd_status sd_max_pool2d(sd_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  const int64_t* dilation, int32_t ceil_mode, sd_tensor* out) {
  SD_TRY(sd::put(out, at::max_pool2d(T(x), pair(kernel), pair(stride), pair(padding), pair(dilation), ceil_mode != 0)));
}
SD_EXPORT sd_status sd_avg_pool2d(sd_tensor x, const int64_t* kernel, const int64_t* stride, const int64_t* padding,
                                  int32_t ceil_mode, int32_t count_include_pad, sd_tensor* out) {
  SD_TRY(sd::put(out, at::avg_pool2d(T(x), pair(kernel), pair(stride), pair(padding), ceil_mode != 0, count_include_pad != 0)));
}
SD_EXPORT sd_status sd_adaptive_avg_pool2d(sd_tensor x, const int64_t* output_size, sd_tensor* out) {
  SD_TRY(sd::put(out, at::adaptive_avg_pool2d(T(x), pair(output_size))));
}
SD_EXPORT sd_status sd_dropout(sd_tensor x, double p, int32_t train, sd_tensor* out) {
  SD_TRY(sd::put(out, at::dropout(T(x), p, train != 0)));
}
SD_EXPORT sd_status sd_leaky_relu(sd_tensor x, double slope, sd_tensor* out) { SD_TRY(sd::put(out, at::leaky_relu(T(x), slope))); }
SD_EXPORT sd_status sd_hardtanh(sd_tensor x, double min, double max, sd_tensor* out) {
  SD_TRY(sd::put(out, at::hardtanh(T(x), min, max)));
}
SD_EXPORT sd_status sd_softmax(sd_tensor x, int64_t dim, sd_tensor* out) { SD_TRY(sd::put(out, at::softmax(T(x), dim))); }
SD_EXPORT sd_status sd_log_softmax(sd_tensor x, int64_t dim, sd_tensor* out) { SD_TRY(sd::put(out, at::log_softmax(T(x), dim))); }

static int64_t reduction(int32_t code) {
  if (code < 0 || code > 2) sd::fail_argument("unknown reduction code " + std::to_string(code) + " (0 none, 1 mean, 2 sum)");
  return code;
}
SD_EXPORT sd_status sd_kl_div(sd_tensor input, sd_tensor target, int32_t reduction_code, int32_t log_target, sd_tensor* out) {
  SD_TRY(sd::put(out, at::kl_div(T(input), T(target), reduction(reduction_code), log_target != 0)));
}
SD_EXPORT sd_status sd_cross_entropy(sd_tensor input, sd_tensor target, sd_tensor weight, int32_t reduction_code,
                                     int64_t ignore_index, double label_smoothing, sd_tensor* out) {
  SD_TRY(sd::put(out, at::cross_entropy_loss(T(input), T(target), sd::opt(weight), reduction(reduction_code), ignore_index,
                                             label_smoothing)));
}
SD_EXPORT sd_status sd_nll_loss(sd_tensor input, sd_tensor target, sd_tensor weight, int32_t reduction_code,
                                int64_t ignore_index, sd_tensor* out) {
  SD_TRY(sd::put(out, at::nll_loss(T(input), T(target), sd::opt(weight), reduction(reduction_code), ignore_index)));
}
SD_EXPORT sd_status sd_mse_loss(sd_tensor input, sd_tensor target, int32_t reduction_code, sd_tensor* out) {
  SD_TRY(sd::put(out, at::mse_loss(T(input), T(target), reduction(reduction_code))));
}
// F.normalize: x / max(||x||_p, eps) along dim (PyTorch's definition, written with its own ops).
SD_EXPORT sd_status sd_normalize(sd_tensor x, double p, int64_t dim, double eps, sd_tensor* out) {
  SD_TRY({
    const auto& input = T(x);
    auto denom = input.norm(p, dim, /*keepdim=*/true).clamp_min(eps).expand_as(input);
    sd::put(out, input / denom);
  });
}
SD_EXPORT sd_status sd_one_hot(sd_tensor labels, int64_t num_classes, sd_tensor* out) {
  SD_TRY(sd::put(out, at::one_hot(T(labels), num_classes)));
}
// libtorch 1.13 has no derivative for channel_shuffle nor native_channel_shuffle ("derivative for
// channel_shuffle is not implemented"), so when autograd records, the shuffle is written as the
// reshape-transpose-reshape it is; otherwise the fast CPU kernel runs.
SD_EXPORT sd_status sd_channel_shuffle(sd_tensor x, int64_t groups, sd_tensor* out) {
  SD_TRY({
    const auto& input = T(x);
    if (!(at::GradMode::is_enabled() && input.requires_grad())) {
      sd::put(out, at::channel_shuffle(input, groups));
      return;
    }
    TORCH_CHECK(input.dim() >= 3, "channel_shuffle expects input to have at least 3 dimensions, but got input with sizes ",
                input.sizes());
    TORCH_CHECK(groups > 0, "Number of groups to divide channels in must be positive. Value of groups:", groups);
    const auto channels = input.size(1);
    TORCH_CHECK(channels % groups == 0, "Number of channels must be divisible by groups. Got ", channels,
                " channels and ", groups, " groups.");
    const auto grouped = input.reshape({input.size(0), groups, channels / groups, -1});
    sd::put(out, grouped.transpose(1, 2).reshape(input.sizes()));
  });
}
