/*
 * SharpDistill native shim: the whole C ABI.
 *
 * Rules (docs/architecture.md, "Rules of the native boundary"):
 *  - Every export returns sd_status; results come back through out-parameters.
 *  - Every export body runs inside one guard that catches every C++ exception and records its
 *    message thread-locally (sd_last_error). No exception ever crosses into .NET.
 *  - Handles are opaque and typed. A tensor handle owns one reference to an at::Tensor; it is
 *    released exactly once with sd_tensor_free.
 *
 * The per-area declarations live in the sd_*.h headers included below.
 */
#ifndef SHARPDISTILL_H
#define SHARPDISTILL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever an export's signature or meaning changes; the C# side refuses a mismatch. */
#define SD_ABI_VERSION 4

typedef enum sd_status {
  SD_OK = 0,
  SD_ERR_TORCH = 1,           /* c10::Error not covered below */
  SD_ERR_ARGUMENT = 2,        /* c10::ValueError, or a bad argument detected by the shim */
  SD_ERR_INDEX = 3,           /* c10::IndexError */
  SD_ERR_TYPE = 4,            /* c10::TypeError (e.g. a wrong dtype) */
  SD_ERR_NOT_IMPLEMENTED = 5, /* c10::NotImplementedError */
  SD_ERR_OUT_OF_MEMORY = 6,   /* c10::OutOfMemoryError, std::bad_alloc */
  SD_ERR_STD = 7,             /* another std::exception */
  SD_ERR_UNKNOWN = 8,         /* anything else that was thrown */
  SD_ERR_DISTRIBUTED = 9      /* a collective or rendezvous failed: a peer died, hung or is unreachable */
} sd_status;

/* Matches c10::ScalarType numbering for the dtypes SharpDistill exposes. */
typedef enum sd_dtype {
  SD_UINT8 = 0,
  SD_INT32 = 3,
  SD_INT64 = 4,
  SD_FLOAT16 = 5,
  SD_FLOAT32 = 6,
  SD_FLOAT64 = 7,
  SD_BOOL = 11,
  SD_BFLOAT16 = 15
} sd_dtype;

typedef enum sd_device_type { SD_CPU = 0, SD_CUDA = 1 } sd_device_type;

/* A scalar passed by value: kind selects which field is meaningful. */
typedef enum sd_scalar_kind { SD_SCALAR_DOUBLE = 0, SD_SCALAR_INT = 1, SD_SCALAR_BOOL = 2 } sd_scalar_kind;
typedef struct sd_scalar {
  int32_t kind;
  double d;
  int64_t i;
} sd_scalar;

typedef struct sd_tensor_s* sd_tensor;
typedef struct sd_generator_s* sd_generator;
typedef struct sd_guard_s* sd_guard;

#include "sd_core.h"
#include "sd_ops.h"
#include "sd_softrank.h"
#include "sd_distributed.h"

#ifdef __cplusplus
}
#endif

#endif
