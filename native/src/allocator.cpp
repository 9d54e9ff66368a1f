// Process allocator settings (glibc malloc), applied by the managed loader right after the shim
// loads and before the first tensor exists. Why: with glibc's defaults every activation buffer of
// a training step is larger than the (dynamic) mmap threshold or sits at the top of the heap, so
// freeing it hands the pages back to the kernel and the next step faults them in again — millions
// of page faults and most of a small model's run time (docs/performance.md). The policy (when to
// apply, which values, the user's overrides) lives in the managed AllocatorPolicy; this only calls
// mallopt, so that an allocator preloaded in place of glibc's (tcmalloc, jemalloc) is left alone
// by simply not calling it.
#include <malloc.h>

#include "shim.h"

namespace {

void set_option(int option, int64_t value, const char* name) {
  if (value < 0) return;  // -1: leave glibc's default
  if (value > INT32_MAX) sd::fail_argument(std::string(name) + " must be at most 2^31-1, got " + std::to_string(value));
  if (mallopt(option, static_cast<int>(value)) != 1)
    sd::fail_argument(std::string("glibc refused ") + name + "=" + std::to_string(value));
}

}  // namespace

SD_EXPORT sd_status sd_allocator_configure(int64_t mmap_threshold, int64_t trim_threshold, int64_t top_pad) {
  SD_TRY({
#if defined(__GLIBC__)
    set_option(M_MMAP_THRESHOLD, mmap_threshold, "M_MMAP_THRESHOLD");
    set_option(M_TRIM_THRESHOLD, trim_threshold, "M_TRIM_THRESHOLD");
    set_option(M_TOP_PAD, top_pad, "M_TOP_PAD");
#else
    TORCH_CHECK_NOT_IMPLEMENTED(false, "allocator settings need glibc malloc");
#endif
  });
}
