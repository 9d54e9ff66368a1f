// Errors, versions, tensor lifecycle and metadata, data transfer.
#include <cstring>

#include "shim.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

sd_tensor_s::sd_tensor_s(at::Tensor value) : t(std::move(value)) { sd::live_tensors.fetch_add(1); }
sd_tensor_s::~sd_tensor_s() { sd::live_tensors.fetch_sub(1); }

namespace sd {

std::atomic<int64_t> live_tensors{0};
static thread_local std::string last_error;

void set_last_error(const std::string& message) { last_error = message; }

void fail_argument(const std::string& message) { throw std::invalid_argument(message); }

at::ScalarType dtype(int32_t code) {
  switch (code) {
    case SD_UINT8: return at::kByte;
    case SD_INT32: return at::kInt;
    case SD_INT64: return at::kLong;
    case SD_FLOAT16: return at::kHalf;
    case SD_FLOAT32: return at::kFloat;
    case SD_FLOAT64: return at::kDouble;
    case SD_BOOL: return at::kBool;
    case SD_BFLOAT16: return at::kBFloat16;
    default: fail_argument("unsupported dtype code " + std::to_string(code));
  }
}

at::Device device(int32_t type, int32_t index) {
  if (type != SD_CPU && type != SD_CUDA) fail_argument("unknown device type code " + std::to_string(type));
  if (index < -1) fail_argument("bad device index " + std::to_string(index));
  if (type == SD_CUDA && !at::hasCUDA())
    TORCH_CHECK_NOT_IMPLEMENTED(false, "CUDA device requested, but this libtorch (", TORCH_VERSION,
                                ") was built without CUDA support; build the shim against a CUDA libtorch ",
                                "(SHARPDISTILL_TORCH_DIR) or use the cpu device");
  return at::Device(type == SD_CUDA ? at::kCUDA : at::kCPU, static_cast<c10::DeviceIndex>(index));
}

at::Scalar scalar(sd_scalar s) {
  switch (s.kind) {
    case SD_SCALAR_DOUBLE: return at::Scalar(s.d);
    case SD_SCALAR_INT: return at::Scalar(s.i);
    case SD_SCALAR_BOOL: return at::Scalar(s.i != 0);
    default: fail_argument("bad scalar kind " + std::to_string(s.kind));
  }
}

sd_scalar to_sd_scalar(const at::Scalar& s) {
  sd_scalar r{};
  if (s.isBoolean()) {
    r.kind = SD_SCALAR_BOOL;
    r.i = s.toBool() ? 1 : 0;
    r.d = static_cast<double>(r.i);
  } else if (s.isIntegral(false)) {
    r.kind = SD_SCALAR_INT;
    r.i = s.toLong();
    r.d = static_cast<double>(r.i);
  } else {
    r.kind = SD_SCALAR_DOUBLE;
    r.d = s.toDouble();
    r.i = static_cast<int64_t>(r.d);
  }
  return r;
}

}  // namespace sd

using sd::T;

SD_EXPORT const char* sd_last_error(void) { return sd::last_error.c_str(); }

SD_EXPORT sd_status sd_abi_version(int32_t* out) { SD_TRY(*sd::check_out(out) = SD_ABI_VERSION); }

SD_EXPORT sd_status sd_libtorch_version(const char** out) { SD_TRY(*sd::check_out(out) = TORCH_VERSION); }

SD_EXPORT sd_status sd_cuda_is_available(int32_t* out) {
  SD_TRY(*sd::check_out(out) = at::hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0 ? 1 : 0);
}

SD_EXPORT sd_status sd_cuda_device_count(int32_t* out) {
  SD_TRY(*sd::check_out(out) = at::hasCUDA() ? static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs()) : 0);
}

SD_EXPORT sd_status sd_tensor_free(sd_tensor t) { SD_TRY(delete t); }

SD_EXPORT sd_status sd_live_tensor_count(int64_t* out) { SD_TRY(*sd::check_out(out) = sd::live_tensors.load()); }

SD_EXPORT sd_status sd_tensor_shallow_copy(sd_tensor t, sd_tensor* out) { SD_TRY(sd::put(out, T(t))); }

SD_EXPORT sd_status sd_tensor_set_data(sd_tensor t, sd_tensor data) {
  SD_TRY({ auto tensor = T(t); tensor.set_data(T(data)); });
}

SD_EXPORT sd_status sd_tensor_dim(sd_tensor t, int64_t* out) { SD_TRY(*sd::check_out(out) = T(t).dim()); }

SD_EXPORT sd_status sd_tensor_sizes(sd_tensor t, int64_t* out, int64_t capacity) {
  SD_TRY({
    const auto sizes = T(t).sizes();
    if (capacity < static_cast<int64_t>(sizes.size())) sd::fail_argument("sizes buffer too small");
    // A 0-dimensional tensor has nothing to copy, and .NET passes an empty array as NULL.
    if (!sizes.empty()) std::copy(sizes.begin(), sizes.end(), sd::check_out(out));
  });
}

SD_EXPORT sd_status sd_tensor_strides(sd_tensor t, int64_t* out, int64_t capacity) {
  SD_TRY({
    const auto strides = T(t).strides();
    if (capacity < static_cast<int64_t>(strides.size())) sd::fail_argument("strides buffer too small");
    // A 0-dimensional tensor has nothing to copy, and .NET passes an empty array as NULL.
    if (!strides.empty()) std::copy(strides.begin(), strides.end(), sd::check_out(out));
  });
}

SD_EXPORT sd_status sd_tensor_numel(sd_tensor t, int64_t* out) { SD_TRY(*sd::check_out(out) = T(t).numel()); }

SD_EXPORT sd_status sd_tensor_dtype(sd_tensor t, int32_t* out) {
  SD_TRY(*sd::check_out(out) = static_cast<int32_t>(T(t).scalar_type()));
}

SD_EXPORT sd_status sd_tensor_device(sd_tensor t, int32_t* type, int32_t* index) {
  SD_TRY({
    const auto device = T(t).device();
    *sd::check_out(type) = device.is_cuda() ? SD_CUDA : SD_CPU;
    *sd::check_out(index) = device.has_index() ? device.index() : -1;
  });
}

SD_EXPORT sd_status sd_tensor_is_contiguous(sd_tensor t, int32_t* out) {
  SD_TRY(*sd::check_out(out) = T(t).is_contiguous() ? 1 : 0);
}

SD_EXPORT sd_status sd_tensor_from_data(const void* data, size_t nbytes, const int64_t* shape, int64_t ndim,
                                        int32_t dtype, sd_tensor* out) {
  SD_TRY({
    auto result = at::empty(sd::dims(shape, ndim), at::TensorOptions().dtype(sd::dtype(dtype)));
    const size_t expected = static_cast<size_t>(result.numel()) * result.element_size();
    if (nbytes != expected)
      sd::fail_argument("data holds " + std::to_string(nbytes) + " bytes but the shape needs " +
                        std::to_string(expected));
    if (nbytes > 0) {
      if (data == nullptr) sd::fail_argument("null data pointer");
      std::memcpy(result.data_ptr(), data, nbytes);
    }
    sd::put(out, std::move(result));
  });
}

SD_EXPORT sd_status sd_tensor_copy_to(sd_tensor t, void* dst, size_t nbytes) {
  SD_TRY({
    const auto cpu = T(t).detach().to(at::kCPU).contiguous();
    const size_t have = static_cast<size_t>(cpu.numel()) * cpu.element_size();
    if (have != nbytes)
      sd::fail_argument("destination holds " + std::to_string(nbytes) + " bytes but the tensor has " +
                        std::to_string(have));
    if (nbytes > 0) std::memcpy(sd::check_out(dst), cpu.data_ptr(), nbytes);
  });
}

SD_EXPORT sd_status sd_tensor_item(sd_tensor t, sd_scalar* out) { SD_TRY(*sd::check_out(out) = sd::to_sd_scalar(T(t).item())); }

SD_EXPORT sd_status sd_tensor_to(sd_tensor t, int32_t device_type, int32_t device_index, int32_t dtype,
                                 int32_t copy, sd_tensor* out) {
  SD_TRY({
    sd::put(out, T(t).to(sd::device(device_type, device_index), sd::dtype(dtype), /*non_blocking=*/false, copy != 0));
  });
}

SD_EXPORT sd_status sd_tensor_to_string(sd_tensor t, char* buf, size_t capacity, size_t* needed) {
  SD_TRY({
    std::ostringstream stream;
    stream << T(t);
    const std::string text = stream.str();
    *sd::check_out(needed) = text.size() + 1;
    if (buf != nullptr && capacity > 0) {
      const size_t n = std::min(capacity - 1, text.size());
      std::memcpy(buf, text.data(), n);
      buf[n] = '\0';
    }
  });
}
