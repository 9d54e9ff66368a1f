// Memory allocator defaults, applied once when the shim is loaded.
//
// Why: a training step frees and re-allocates the same large activation buffers (hundreds of KB to
// tens of MB) thousands of times. glibc's malloc serves blocks above its mmap threshold with fresh
// mmap calls and gives freed memory at the top of the heap back to the kernel (trim), so every step
// faults its buffers in again: on small models most of a run's time becomes system time. Keeping
// those blocks in the heap (the largest mmap threshold glibc accepts, no trimming, a generous top
// pad) makes them reusable. libtorch's CPU allocator is plain malloc, so this is where it is decided.
//
// It is a default, not a requirement: SHARPDISTILL_ALLOCATOR=system keeps glibc's own behaviour,
// and any MALLOC_*_ variable or GLIBC_TUNABLES the user set wins (we then change nothing).
#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "shim.h"

namespace {

constexpr int kMmapThreshold = 32 * 1024 * 1024;  // glibc's maximum on 64-bit (HEAP_MAX_SIZE / 2)
constexpr int kTrimThreshold = 1024 * 1024 * 1024;
constexpr int kTopPad = 512 * 1024 * 1024;

// 0: glibc's defaults kept (SHARPDISTILL_ALLOCATOR=system); 1: tuned here; 2: the user's settings kept.
int32_t allocator_mode = 0;

bool user_tuned_malloc() {
  for (const char* name : {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX", "GLIBC_TUNABLES"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

__attribute__((constructor)) void apply_allocator_defaults() {
  const char* choice = std::getenv("SHARPDISTILL_ALLOCATOR");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return;
  if (user_tuned_malloc()) {
    allocator_mode = 2;
    return;
  }
  const bool applied = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1 &&
                       mallopt(M_TOP_PAD, kTopPad) == 1;
  allocator_mode = applied ? 1 : 0;
}

}  // namespace

SD_EXPORT sd_status sd_allocator_mode(int32_t* out) { SD_TRY(*sd::check_out(out) = allocator_mode); }
