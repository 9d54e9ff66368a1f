// Arithmetic, unary functions, comparisons, reductions and linear algebra.
#include "shim.h"

using sd::T;

SD_EXPORT sd_status sd_add(sd_tensor a, sd_tensor b, sd_scalar alpha, sd_tensor* out) {
  SD_TRY(sd::put(out, at::add(T(a), T(b), sd::scalar(alpha))));
}
SD_EXPORT sd_status sd_sub(sd_tensor a, sd_tensor b, sd_scalar alpha, sd_tensor* out) {
  SD_TRY(sd::put(out, at::sub(T(a), T(b), sd::scalar(alpha))));
}
SD_EXPORT sd_status sd_mul(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::mul(T(a), T(b)))); }
SD_EXPORT sd_status sd_div(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::div(T(a), T(b)))); }
SD_EXPORT sd_status sd_add_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) { SD_TRY(sd::put(out, at::add(T(a), sd::scalar(b)))); }
SD_EXPORT sd_status sd_mul_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) { SD_TRY(sd::put(out, at::mul(T(a), sd::scalar(b)))); }
SD_EXPORT sd_status sd_div_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) { SD_TRY(sd::put(out, at::div(T(a), sd::scalar(b)))); }
SD_EXPORT sd_status sd_rsub_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) { SD_TRY(sd::put(out, at::rsub(T(a), sd::scalar(b)))); }
SD_EXPORT sd_status sd_rdiv_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) {
  SD_TRY(sd::put(out, at::mul(at::reciprocal(T(a)), sd::scalar(b))));
}
SD_EXPORT sd_status sd_pow(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::pow(T(a), T(b)))); }
SD_EXPORT sd_status sd_pow_scalar(sd_tensor a, sd_scalar exponent, sd_tensor* out) {
  SD_TRY(sd::put(out, at::pow(T(a), sd::scalar(exponent))));
}
SD_EXPORT sd_status sd_remainder_scalar(sd_tensor a, sd_scalar b, sd_tensor* out) {
  SD_TRY(sd::put(out, at::remainder(T(a), sd::scalar(b))));
}
SD_EXPORT sd_status sd_maximum(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::maximum(T(a), T(b)))); }
SD_EXPORT sd_status sd_minimum(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::minimum(T(a), T(b)))); }

static c10::optional<at::Scalar> opt_scalar(const sd_scalar* s) {
  if (s == nullptr) return c10::nullopt;
  return sd::scalar(*s);
}
SD_EXPORT sd_status sd_clamp(sd_tensor a, const sd_scalar* min, const sd_scalar* max, sd_tensor* out) {
  SD_TRY(sd::put(out, at::clamp(T(a), opt_scalar(min), opt_scalar(max))));
}

static at::Tensor unary(const at::Tensor& x, int32_t op) {
  switch (op) {
    case SD_NEG: return at::neg(x);
    case SD_EXP: return at::exp(x);
    case SD_LOG: return at::log(x);
    case SD_SQRT: return at::sqrt(x);
    case SD_RSQRT: return at::rsqrt(x);
    case SD_ABS: return at::abs(x);
    case SD_SIGN: return at::sign(x);
    case SD_SIGMOID: return at::sigmoid(x);
    case SD_TANH: return at::tanh(x);
    case SD_RELU: return at::relu(x);
    case SD_RELU6: return at::hardtanh(x, 0.0, 6.0);
    case SD_GELU: return at::gelu(x);
    case SD_FLOOR: return at::floor(x);
    case SD_CEIL: return at::ceil(x);
    case SD_ROUND: return at::round(x);
    case SD_RECIPROCAL: return at::reciprocal(x);
    case SD_LOG1P: return at::log1p(x);
    case SD_EXPM1: return at::expm1(x);
    case SD_SIN: return at::sin(x);
    case SD_COS: return at::cos(x);
    case SD_SQUARE: return at::square(x);
    case SD_LOGICAL_NOT: return at::logical_not(x);
    case SD_ISNAN: return at::isnan(x);
    case SD_ISFINITE: return at::isfinite(x);
    case SD_SILU: return at::silu(x);
    case SD_GELU_TANH: return at::gelu(x, "tanh");
    default: sd::fail_argument("unknown unary op code " + std::to_string(op));
  }
}
SD_EXPORT sd_status sd_unary(sd_tensor a, int32_t op, sd_tensor* out) { SD_TRY(sd::put(out, unary(T(a), op))); }

template <class B>
static at::Tensor compare(const at::Tensor& a, const B& b, int32_t op) {
  switch (op) {
    case SD_EQ: return at::eq(a, b);
    case SD_NE: return at::ne(a, b);
    case SD_LT: return at::lt(a, b);
    case SD_LE: return at::le(a, b);
    case SD_GT: return at::gt(a, b);
    case SD_GE: return at::ge(a, b);
    default: sd::fail_argument("unknown comparison op code " + std::to_string(op));
  }
}
SD_EXPORT sd_status sd_compare(sd_tensor a, sd_tensor b, int32_t op, sd_tensor* out) {
  SD_TRY({
    switch (op) {
      case SD_AND: sd::put(out, at::logical_and(T(a), T(b))); break;
      case SD_OR: sd::put(out, at::logical_or(T(a), T(b))); break;
      case SD_XOR: sd::put(out, at::logical_xor(T(a), T(b))); break;
      default: sd::put(out, compare(T(a), T(b), op));
    }
  });
}
SD_EXPORT sd_status sd_compare_scalar(sd_tensor a, sd_scalar b, int32_t op, sd_tensor* out) {
  SD_TRY(sd::put(out, compare(T(a), sd::scalar(b), op)));
}
SD_EXPORT sd_status sd_equal(sd_tensor a, sd_tensor b, int32_t* out) { SD_TRY(*sd::check_out(out) = at::equal(T(a), T(b)) ? 1 : 0); }
SD_EXPORT sd_status sd_allclose(sd_tensor a, sd_tensor b, double rtol, double atol, int32_t* out) {
  SD_TRY(*sd::check_out(out) = at::allclose(T(a), T(b), rtol, atol) ? 1 : 0);
}

SD_EXPORT sd_status sd_sum_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::sum(T(a)))); }
SD_EXPORT sd_status sd_sum(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::sum(T(a), sd::dims(dims, ndim), keepdim != 0)));
}
SD_EXPORT sd_status sd_mean_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::mean(T(a)))); }
SD_EXPORT sd_status sd_mean(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::mean(T(a), sd::dims(dims, ndim), keepdim != 0)));
}
SD_EXPORT sd_status sd_max_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::max(T(a)))); }
SD_EXPORT sd_status sd_min_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::min(T(a)))); }
SD_EXPORT sd_status sd_max_dim(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* values, sd_tensor* indices) {
  SD_TRY({
    auto result = at::max(T(a), dim, keepdim != 0);
    sd::put(values, std::get<0>(result));
    sd::put(indices, std::get<1>(result));
  });
}
SD_EXPORT sd_status sd_min_dim(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* values, sd_tensor* indices) {
  SD_TRY({
    auto result = at::min(T(a), dim, keepdim != 0);
    sd::put(values, std::get<0>(result));
    sd::put(indices, std::get<1>(result));
  });
}
SD_EXPORT sd_status sd_argmax(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::argmax(T(a), dim, keepdim != 0)));
}
SD_EXPORT sd_status sd_argmin(sd_tensor a, int64_t dim, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::argmin(T(a), dim, keepdim != 0)));
}
SD_EXPORT sd_status sd_topk(sd_tensor a, int64_t k, int64_t dim, int32_t largest, int32_t sorted, sd_tensor* values,
                            sd_tensor* indices) {
  SD_TRY({
    auto result = at::topk(T(a), k, dim, largest != 0, sorted != 0);
    sd::put(values, std::get<0>(result));
    sd::put(indices, std::get<1>(result));
  });
}
SD_EXPORT sd_status sd_sort(sd_tensor a, int64_t dim, int32_t descending, sd_tensor* values, sd_tensor* indices) {
  SD_TRY({
    auto result = at::sort(T(a), dim, descending != 0);
    sd::put(values, std::get<0>(result));
    sd::put(indices, std::get<1>(result));
  });
}
static at::OptionalIntArrayRef opt_dims(const int64_t* dims, int64_t ndim) {
  // ndim < 0 means "all dimensions".
  if (ndim < 0) return c10::nullopt;
  return sd::dims(dims, ndim);
}
SD_EXPORT sd_status sd_std(sd_tensor a, const int64_t* dims, int64_t ndim, int64_t correction, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::std(T(a), opt_dims(dims, ndim), correction, keepdim != 0)));
}
SD_EXPORT sd_status sd_var(sd_tensor a, const int64_t* dims, int64_t ndim, int64_t correction, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::var(T(a), opt_dims(dims, ndim), correction, keepdim != 0)));
}
SD_EXPORT sd_status sd_norm(sd_tensor a, double p, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out) {
  SD_TRY({
    if (ndim < 0)
      sd::put(out, at::norm(T(a), p));
    else
      sd::put(out, at::norm(T(a), p, sd::dims(dims, ndim), keepdim != 0));
  });
}
SD_EXPORT sd_status sd_logsumexp(sd_tensor a, const int64_t* dims, int64_t ndim, int32_t keepdim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::logsumexp(T(a), sd::dims(dims, ndim), keepdim != 0)));
}
SD_EXPORT sd_status sd_cumsum(sd_tensor a, int64_t dim, sd_tensor* out) { SD_TRY(sd::put(out, at::cumsum(T(a), dim))); }
SD_EXPORT sd_status sd_any(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::any(T(a)))); }
SD_EXPORT sd_status sd_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, at::all(T(a)))); }

SD_EXPORT sd_status sd_matmul(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::matmul(T(a), T(b)))); }
SD_EXPORT sd_status sd_mm(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::mm(T(a), T(b)))); }
SD_EXPORT sd_status sd_bmm(sd_tensor a, sd_tensor b, sd_tensor* out) { SD_TRY(sd::put(out, at::bmm(T(a), T(b)))); }
SD_EXPORT sd_status sd_linear(sd_tensor x, sd_tensor weight, sd_tensor bias, sd_tensor* out) {
  SD_TRY(sd::put(out, at::linear(T(x), T(weight), sd::opt(bias))));
}
