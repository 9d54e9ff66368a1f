// Memory format (channels-last) and CPU autocast: thin wrappers over libtorch's own calls; nothing
// numeric happens here. Autocast state is thread-local in libtorch, so a scope belongs to the
// thread that opened it.
#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include "shim.h"

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
    *sd::check_out(enabled) = at::autocast::is_cpu_enabled() ? 1 : 0;
    *sd::check_out(dtype) = static_cast<int32_t>(at::autocast::get_autocast_cpu_dtype());
  });
}

SD_EXPORT sd_status sd_autocast_cpu_enter(int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype) {
  SD_TRY({
    const auto target = sd::dtype(dtype);
    if (target != at::kBFloat16)
      sd::fail_argument(std::string("CPU autocast supports bfloat16 only in libtorch ") + TORCH_VERSION + ", got " +
                        c10::toString(target));
    *sd::check_out(previous_enabled) = at::autocast::is_cpu_enabled() ? 1 : 0;
    *sd::check_out(previous_dtype) = static_cast<int32_t>(at::autocast::get_autocast_cpu_dtype());
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(target);
    at::autocast::increment_nesting();
  });
}

SD_EXPORT sd_status sd_autocast_cpu_exit(int32_t previous_enabled, int32_t previous_dtype) {
  SD_TRY({
    const auto restored = sd::dtype(previous_dtype);
    // Leaving the outermost scope drops the casted weights autocast cached for it (as torch.autocast does).
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(previous_enabled != 0);
    at::autocast::set_autocast_cpu_dtype(restored);
  });
}
