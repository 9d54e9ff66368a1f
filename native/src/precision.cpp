// Memory format (channels-last) and autocast (CPU, CUDA): thin wrappers over libtorch's own calls; nothing
// numeric happens here. Autocast state is thread-local in libtorch, so a scope belongs to the
// thread that opened it.
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "shim.h"

namespace {

// libtorch 2.4 replaced the device-specific autocast calls with ones that take the device type (the
// old ones were deprecated, then removed); these keep one source for 1.13 (Debian) and 2.x (CUDA wheels).
at::DeviceType autocast_device(int32_t code) { return sd::device(code, -1).type(); }
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(at::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
void set_autocast_enabled(at::DeviceType d, bool on) { at::autocast::set_autocast_enabled(d, on); }
at::ScalarType autocast_dtype(at::DeviceType d) { return at::autocast::get_autocast_dtype(d); }
void set_autocast_dtype(at::DeviceType d, at::ScalarType t) { at::autocast::set_autocast_dtype(d, t); }
#else
bool autocast_enabled(at::DeviceType d) { return d == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled(); }
void set_autocast_enabled(at::DeviceType d, bool on) {
  if (d == at::kCPU) at::autocast::set_cpu_enabled(on);
  else at::autocast::set_enabled(on);
}
at::ScalarType autocast_dtype(at::DeviceType d) {
  return d == at::kCPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
void set_autocast_dtype(at::DeviceType d, at::ScalarType t) {
  if (d == at::kCPU) at::autocast::set_autocast_cpu_dtype(t);
  else at::autocast::set_autocast_gpu_dtype(t);
}
#endif

}  // namespace


namespace {

at::MemoryFormat memory_format(int32_t code) {
  switch (code) {
    case SD_MEMORY_CONTIGUOUS: return at::MemoryFormat::Contiguous;
    case SD_MEMORY_CHANNELS_LAST: return at::MemoryFormat::ChannelsLast;
    default: sd::fail_argument("unknown memory format code " + std::to_string(code));
  }
  return at::MemoryFormat::Contiguous;
}

}  // namespace

using sd::T;

SD_EXPORT sd_status sd_tensor_to_memory_format(sd_tensor t, int32_t format, sd_tensor* out) {
  SD_TRY({
    const auto f = memory_format(format);
    const auto& tensor = T(t);
    if (f == at::MemoryFormat::ChannelsLast && tensor.dim() != 4)
      sd::fail_argument("channels-last needs a 4-D (N, C, H, W) tensor, got " + std::to_string(tensor.dim()) + " dimensions");
    sd::put(out, tensor.contiguous(f));
  });
}

SD_EXPORT sd_status sd_tensor_is_contiguous_in(sd_tensor t, int32_t format, int32_t* out) {
  SD_TRY(*sd::check_out(out) = T(t).is_contiguous(memory_format(format)) ? 1 : 0);
}

SD_EXPORT sd_status sd_autocast_state(int32_t device_type, int32_t* enabled, int32_t* dtype) {
  SD_TRY({
    const auto device = autocast_device(device_type);
    *sd::check_out(enabled) = autocast_enabled(device) ? 1 : 0;
    *sd::check_out(dtype) = static_cast<int32_t>(autocast_dtype(device));
  });
}

SD_EXPORT sd_status sd_autocast_enter(int32_t device_type, int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype) {
  SD_TRY({
    const auto device = autocast_device(device_type);
    const auto target = sd::dtype(dtype);
    // CPU autocast in libtorch 1.13 knows bfloat16 only; CUDA's knows float16 and bfloat16.
    const bool supported = target == at::kBFloat16 || (device == at::kCUDA && target == at::kHalf);
    if (!supported)
      sd::fail_argument(std::string(device == at::kCPU ? "CPU autocast supports bfloat16" : "CUDA autocast supports float16 and bfloat16") +
                        " in this shim (libtorch " + TORCH_VERSION + "), got " + c10::toString(target));
    *sd::check_out(previous_enabled) = autocast_enabled(device) ? 1 : 0;
    *sd::check_out(previous_dtype) = static_cast<int32_t>(autocast_dtype(device));
    set_autocast_enabled(device, true);
    set_autocast_dtype(device, target);
    at::autocast::increment_nesting();
  });
}

SD_EXPORT sd_status sd_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype) {
  SD_TRY({
    const auto device = autocast_device(device_type);
    const auto restored = sd::dtype(previous_dtype);
    // Leaving the outermost scope drops the casted weights autocast cached for it (as torch.autocast does).
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_autocast_enabled(device, previous_enabled != 0);
    set_autocast_dtype(device, restored);
  });
}
