// Memory format (channels-last) and CPU autocast: thin wrappers over libtorch's own calls; nothing
// numeric happens here. Autocast state is thread-local in libtorch, so a scope belongs to the
// thread that opened it.
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "shim.h"

namespace {

// libtorch 2.4 replaced the CPU-specific autocast calls with ones that take the device type (the old
// ones were deprecated, then removed); these keep one source for 1.13 (Debian) and 2.x (CUDA wheels).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool cpu_autocast_enabled() { return at::autocast::is_autocast_enabled(at::kCPU); }
void set_cpu_autocast_enabled(bool on) { at::autocast::set_autocast_enabled(at::kCPU, on); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCPU); }
void set_cpu_autocast_dtype(at::ScalarType t) { at::autocast::set_autocast_dtype(at::kCPU, t); }
#else
bool cpu_autocast_enabled() { return at::autocast::is_cpu_enabled(); }
void set_cpu_autocast_enabled(bool on) { at::autocast::set_cpu_enabled(on); }
at::ScalarType cpu_autocast_dtype() { return at::autocast::get_autocast_cpu_dtype(); }
void set_cpu_autocast_dtype(at::ScalarType t) { at::autocast::set_autocast_cpu_dtype(t); }
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

SD_EXPORT sd_status sd_autocast_cpu_state(int32_t* enabled, int32_t* dtype) {
  SD_TRY({
    *sd::check_out(enabled) = cpu_autocast_enabled() ? 1 : 0;
    *sd::check_out(dtype) = static_cast<int32_t>(cpu_autocast_dtype());
  });
}

SD_EXPORT sd_status sd_autocast_cpu_enter(int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype) {
  SD_TRY({
    const auto target = sd::dtype(dtype);
    if (target != at::kBFloat16)
      sd::fail_argument(std::string("CPU autocast supports bfloat16 only in libtorch ") + TORCH_VERSION + ", got " +
                        c10::toString(target));
    *sd::check_out(previous_enabled) = cpu_autocast_enabled() ? 1 : 0;
    *sd::check_out(previous_dtype) = static_cast<int32_t>(cpu_autocast_dtype());
    set_cpu_autocast_enabled(true);
    set_cpu_autocast_dtype(target);
    at::autocast::increment_nesting();
  });
}

SD_EXPORT sd_status sd_autocast_cpu_exit(int32_t previous_enabled, int32_t previous_dtype) {
  SD_TRY({
    const auto restored = sd::dtype(previous_dtype);
    // Leaving the outermost scope drops the casted weights autocast cached for it (as torch.autocast does).
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set_cpu_autocast_enabled(previous_enabled != 0);
    set_cpu_autocast_dtype(restored);
  });
}
