// Internal helpers shared by every area of the shim. Only the shim includes this header.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include "sharpdistill.h"

#define SD_EXPORT extern "C" __attribute__((visibility("default")))

struct sd_tensor_s {
  at::Tensor t;
  explicit sd_tensor_s(at::Tensor value);
  ~sd_tensor_s();
};

// A random generator handle (CPU); NULL stands for libtorch's default generator.
struct sd_generator_s {
  at::Generator g;
};

namespace sd {

// A collective failed: a peer is gone, hung or unreachable (distributed.cpp raises it for every
// communication failure, also inside synchronised batch norm's backward, which the autograd engine
// rethrows unchanged). The guard below maps it to SD_ERR_DISTRIBUTED.
class distributed_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Number of tensor handles alive; lets tests prove that a long run does not leak.
extern std::atomic<int64_t> live_tensors;

void set_last_error(const std::string& message);

// The one guard every export runs in: no C++ exception may cross into .NET, where it would
// terminate the process. Each c10 error class maps to its own status so C# can raise the
// matching exception type; the message (without the C++ backtrace) is kept thread-locally.
template <class Body>
sd_status guarded(Body&& body) noexcept {
  try {
    body();
    return SD_OK;
  } catch (const c10::OutOfMemoryError& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_OUT_OF_MEMORY;
  } catch (const c10::IndexError& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_INDEX;
  } catch (const c10::ValueError& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_ARGUMENT;
  } catch (const c10::TypeError& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_TYPE;
  } catch (const c10::NotImplementedError& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_NOT_IMPLEMENTED;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
    return SD_ERR_TORCH;
  } catch (const std::bad_alloc& e) {
    set_last_error(std::string("out of memory: ") + e.what());
    return SD_ERR_OUT_OF_MEMORY;
  } catch (const distributed_error& e) {
    set_last_error(e.what());
    return SD_ERR_DISTRIBUTED;
  } catch (const std::invalid_argument& e) {
    set_last_error(e.what());
    return SD_ERR_ARGUMENT;
  } catch (const std::out_of_range& e) {
    set_last_error(e.what());
    return SD_ERR_INDEX;
  } catch (const std::system_error& e) {
    set_last_error(e.what());
    return SD_ERR_STD;
  } catch (const std::runtime_error& e) {
    // Some libtorch checks still throw a bare std::runtime_error instead of c10::Error (1.13's
    // infer_size: "shape '[4, 2]' is invalid for input of size 6" from view/reshape). They report
    // a bad argument just like TORCH_CHECK does, so they get the same status.
    set_last_error(e.what());
    return SD_ERR_TORCH;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return SD_ERR_STD;
  } catch (...) {
    set_last_error("unknown native exception");
    return SD_ERR_UNKNOWN;
  }
}

// Argument checks raised by the shim itself (null handles, null out-pointers).
[[noreturn]] void fail_argument(const std::string& message);

inline const at::Tensor& T(sd_tensor h) {
  if (h == nullptr) fail_argument("null tensor handle");
  return h->t;
}
inline c10::optional<at::Tensor> opt(sd_tensor h) {
  if (h == nullptr) return c10::nullopt;
  return h->t;
}
template <class P>
inline P* check_out(P* p) {
  if (p == nullptr) fail_argument("null out-pointer");
  return p;
}
// Stores a new owning handle for value into *out.
inline void put(sd_tensor* out, at::Tensor value) { *check_out(out) = new sd_tensor_s(std::move(value)); }

inline at::IntArrayRef dims(const int64_t* data, int64_t n) {
  if (n < 0 || (n > 0 && data == nullptr)) fail_argument("bad dimension list");
  return at::IntArrayRef(data, static_cast<size_t>(n));
}
at::ScalarType dtype(int32_t code);
// A device from its C ABI code and index; a CUDA device on a libtorch without CUDA is refused
// with a message that says so (instead of libtorch's dispatcher dump).
at::Device device(int32_t type, int32_t index);
at::Scalar scalar(sd_scalar s);
sd_scalar to_sd_scalar(const at::Scalar& s);

}  // namespace sd

// Body of an export: SD_TRY({ ... });
#define SD_TRY(...) return sd::guarded([&]() { __VA_ARGS__; })
