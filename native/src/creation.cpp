// Tensor creation, random sampling and the in-place updates used by initialisers and optimizers.
#include <ATen/CPUGeneratorImpl.h>

#include "shim.h"

using sd::T;

static at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(sd::dtype(dtype)).device(sd::device(device_type, device_index));
}

static c10::optional<at::Generator> generator(sd_generator g) {
  if (g == nullptr) return c10::nullopt;
  return g->g;
}

// An sd_generator is a CPU generator, and libtorch refuses a CPU generator for a CUDA tensor. So
// with an explicit generator the numbers are drawn on the CPU and copied to the device: a seed then
// gives the same numbers on every device. Without one, the device's own default generator is used.
template <class Draw>
static at::Tensor sample(sd_generator g, const at::TensorOptions& opts, Draw&& draw) {
  if (g == nullptr || opts.device().is_cpu()) return draw(generator(g), opts);
  return draw(generator(g), opts.device(at::kCPU)).to(opts.device());
}
template <class Fill>
static void fill_random(sd_tensor a, sd_generator g, Fill&& fill) {
  auto t = T(a);
  if (g == nullptr || t.device().is_cpu()) {
    fill(t, generator(g));
    return;
  }
  auto cpu = at::empty(t.sizes(), t.options().device(at::kCPU));
  fill(cpu, generator(g));
  t.copy_(cpu);
}

#define SD_DEVICE_ARGS int32_t dtype, int32_t device_type, int32_t device_index
#define SD_OPTIONS options(dtype, device_type, device_index)

SD_EXPORT sd_status sd_empty(const int64_t* shape, int64_t ndim, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY(sd::put(out, at::empty(sd::dims(shape, ndim), SD_OPTIONS)));
}
SD_EXPORT sd_status sd_zeros(const int64_t* shape, int64_t ndim, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY(sd::put(out, at::zeros(sd::dims(shape, ndim), SD_OPTIONS)));
}
SD_EXPORT sd_status sd_ones(const int64_t* shape, int64_t ndim, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY(sd::put(out, at::ones(sd::dims(shape, ndim), SD_OPTIONS)));
}
SD_EXPORT sd_status sd_full(const int64_t* shape, int64_t ndim, sd_scalar value, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY(sd::put(out, at::full(sd::dims(shape, ndim), sd::scalar(value), SD_OPTIONS)));
}
SD_EXPORT sd_status sd_arange(sd_scalar start, sd_scalar end, sd_scalar step, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY(sd::put(out, at::arange(sd::scalar(start), sd::scalar(end), sd::scalar(step), SD_OPTIONS)));
}
SD_EXPORT sd_status sd_eye(int64_t n, SD_DEVICE_ARGS, sd_tensor* out) { SD_TRY(sd::put(out, at::eye(n, SD_OPTIONS))); }
SD_EXPORT sd_status sd_randn(const int64_t* shape, int64_t ndim, sd_generator g, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY({
    const auto size = sd::dims(shape, ndim);
    sd::put(out, sample(g, SD_OPTIONS, [&](auto gen, auto opts) { return at::randn(size, gen, opts); }));
  });
}
SD_EXPORT sd_status sd_rand(const int64_t* shape, int64_t ndim, sd_generator g, SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY({
    const auto size = sd::dims(shape, ndim);
    sd::put(out, sample(g, SD_OPTIONS, [&](auto gen, auto opts) { return at::rand(size, gen, opts); }));
  });
}
SD_EXPORT sd_status sd_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, sd_generator g,
                               SD_DEVICE_ARGS, sd_tensor* out) {
  SD_TRY({
    const auto size = sd::dims(shape, ndim);
    sd::put(out, sample(g, SD_OPTIONS, [&](auto gen, auto opts) { return at::randint(low, high, size, gen, opts); }));
  });
}
SD_EXPORT sd_status sd_randperm(int64_t n, sd_generator g, sd_tensor* out) {
  SD_TRY(sd::put(out, at::randperm(n, generator(g), at::TensorOptions().dtype(at::kLong))));
}
SD_EXPORT sd_status sd_zeros_like(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::zeros_like(T(a)))); }
SD_EXPORT sd_status sd_ones_like(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::ones_like(T(a)))); }
SD_EXPORT sd_status sd_empty_like(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::empty_like(T(a)))); }
SD_EXPORT sd_status sd_full_like(sd_tensor a, sd_scalar value, sd_tensor* out) {
  SD_TRY(sd::put(out, at::full_like(T(a), sd::scalar(value))));
}

// In-place updates. They mutate the tensor the handle refers to (all handles sharing it see it).
SD_EXPORT sd_status sd_normal_(sd_tensor a, double mean, double std, sd_generator g) {
  SD_TRY(fill_random(a, g, [&](at::Tensor& t, auto gen) { t.normal_(mean, std, gen); }));
}
SD_EXPORT sd_status sd_uniform_(sd_tensor a, double from, double to, sd_generator g) {
  SD_TRY(fill_random(a, g, [&](at::Tensor& t, auto gen) { t.uniform_(from, to, gen); }));
}
SD_EXPORT sd_status sd_bernoulli_(sd_tensor a, double p, sd_generator g) {
  SD_TRY(fill_random(a, g, [&](at::Tensor& t, auto gen) { t.bernoulli_(p, gen); }));
}
SD_EXPORT sd_status sd_fill_(sd_tensor a, sd_scalar value) { SD_TRY({ auto t = T(a); t.fill_(sd::scalar(value)); }); }
SD_EXPORT sd_status sd_zero_(sd_tensor a) { SD_TRY({ auto t = T(a); t.zero_(); }); }
SD_EXPORT sd_status sd_copy_(sd_tensor dst, sd_tensor src) { SD_TRY({ auto t = T(dst); t.copy_(T(src)); }); }
SD_EXPORT sd_status sd_add_(sd_tensor a, sd_tensor b, sd_scalar alpha) {
  SD_TRY({ auto t = T(a); t.add_(T(b), sd::scalar(alpha)); });
}
SD_EXPORT sd_status sd_add_scalar_(sd_tensor a, sd_scalar b) { SD_TRY({ auto t = T(a); t.add_(sd::scalar(b)); }); }
SD_EXPORT sd_status sd_mul_(sd_tensor a, sd_tensor b) { SD_TRY({ auto t = T(a); t.mul_(T(b)); }); }
SD_EXPORT sd_status sd_mul_scalar_(sd_tensor a, sd_scalar b) { SD_TRY({ auto t = T(a); t.mul_(sd::scalar(b)); }); }
SD_EXPORT sd_status sd_div_(sd_tensor a, sd_tensor b) { SD_TRY({ auto t = T(a); t.div_(T(b)); }); }
SD_EXPORT sd_status sd_addcmul_(sd_tensor a, sd_tensor t1, sd_tensor t2, sd_scalar value) {
  SD_TRY({ auto t = T(a); t.addcmul_(T(t1), T(t2), sd::scalar(value)); });
}
SD_EXPORT sd_status sd_addcdiv_(sd_tensor a, sd_tensor t1, sd_tensor t2, sd_scalar value) {
  SD_TRY({ auto t = T(a); t.addcdiv_(T(t1), T(t2), sd::scalar(value)); });
}
static c10::optional<at::Scalar> opt_scalar(const sd_scalar* s) {
  if (s == nullptr) return c10::nullopt;
  return sd::scalar(*s);
}
SD_EXPORT sd_status sd_clamp_(sd_tensor a, const sd_scalar* min, const sd_scalar* max) {
  SD_TRY({ auto t = T(a); t.clamp_(opt_scalar(min), opt_scalar(max)); });
}
SD_EXPORT sd_status sd_masked_fill_(sd_tensor a, sd_tensor mask, sd_scalar value) {
  SD_TRY({ auto t = T(a); t.masked_fill_(T(mask), sd::scalar(value)); });
}
