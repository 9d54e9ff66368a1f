/* Core: errors, versions, tensor lifecycle and metadata, data transfer, autograd, modes, threads. */
#ifndef SD_CORE_H
#define SD_CORE_H

/* Error reporting and versions. sd_last_error returns the message of the last failing call on
 * this thread (valid until the next failing call on this thread). */
const char* sd_last_error(void);
sd_status sd_abi_version(int32_t* out);
sd_status sd_libtorch_version(const char** out);
sd_status sd_cuda_is_available(int32_t* out);
sd_status sd_cuda_device_count(int32_t* out);

/* Lifecycle. Every sd_tensor returned through an out-parameter is a new handle the caller owns. */
sd_status sd_tensor_free(sd_tensor t);
sd_status sd_live_tensor_count(int64_t* out);
sd_status sd_tensor_shallow_copy(sd_tensor t, sd_tensor* out); /* new handle, same storage */
/* Replaces t's data with data's (same autograd identity): how modules move parameters between
 * devices and dtypes without changing which tensor the layers refer to. */
sd_status sd_tensor_set_data(sd_tensor t, sd_tensor data);

/* Metadata. */
sd_status sd_tensor_dim(sd_tensor t, int64_t* out);
sd_status sd_tensor_sizes(sd_tensor t, int64_t* out, int64_t capacity);
sd_status sd_tensor_strides(sd_tensor t, int64_t* out, int64_t capacity);
sd_status sd_tensor_numel(sd_tensor t, int64_t* out);
sd_status sd_tensor_dtype(sd_tensor t, int32_t* out);
sd_status sd_tensor_device(sd_tensor t, int32_t* type, int32_t* index);
sd_status sd_tensor_is_contiguous(sd_tensor t, int32_t* out);

/* Data transfer. from_data copies nbytes from data into a new contiguous CPU tensor of the given
 * shape and dtype; nbytes must equal numel * element size. copy_to copies the tensor's elements
 * (made contiguous, on CPU) into dst, which must hold exactly nbytes. */
sd_status sd_tensor_from_data(const void* data, size_t nbytes, const int64_t* shape, int64_t ndim,
                              int32_t dtype, sd_tensor* out);
sd_status sd_tensor_copy_to(sd_tensor t, void* dst, size_t nbytes);
sd_status sd_tensor_item(sd_tensor t, sd_scalar* out);
sd_status sd_tensor_to(sd_tensor t, int32_t device_type, int32_t device_index, int32_t dtype,
                       int32_t copy, sd_tensor* out);
sd_status sd_tensor_to_string(sd_tensor t, char* buf, size_t capacity, size_t* needed);

/* Autograd. */
sd_status sd_tensor_requires_grad(sd_tensor t, int32_t* out);
sd_status sd_tensor_set_requires_grad(sd_tensor t, int32_t value);
sd_status sd_tensor_grad(sd_tensor t, sd_tensor* out); /* *out = NULL when undefined */
sd_status sd_tensor_set_grad(sd_tensor t, sd_tensor grad); /* grad may be NULL to clear */
sd_status sd_tensor_backward(sd_tensor t, sd_tensor grad, int32_t retain_graph, int32_t create_graph);
sd_status sd_tensor_detach(sd_tensor t, sd_tensor* out);
sd_status sd_tensor_is_leaf(sd_tensor t, int32_t* out);
sd_status sd_autograd_grad(const sd_tensor* outputs, int64_t n_outputs, const sd_tensor* inputs,
                           int64_t n_inputs, const sd_tensor* grad_outputs, int32_t create_graph,
                           sd_tensor* out_grads);

/* Grad mode and inference mode. set_grad_enabled returns the previous state so scopes restore it.
 * An inference-mode guard must be exited on the thread that entered it, innermost first. */
sd_status sd_grad_enabled(int32_t* out);
sd_status sd_set_grad_enabled(int32_t enabled, int32_t* previous);
sd_status sd_inference_mode_enter(sd_guard* out);
sd_status sd_inference_mode_exit(sd_guard g);
sd_status sd_is_inference_mode(int32_t* out);

/* Threads. */
sd_status sd_set_num_threads(int32_t n);
sd_status sd_get_num_threads(int32_t* out);

/* Memory format: SD_MEMORY_CONTIGUOUS (NCHW) or SD_MEMORY_CHANNELS_LAST (NHWC strides, 4-D only). */
enum { SD_MEMORY_CONTIGUOUS = 0, SD_MEMORY_CHANNELS_LAST = 1 };
sd_status sd_tensor_to_memory_format(sd_tensor t, int32_t format, sd_tensor* out);
sd_status sd_tensor_is_contiguous_in(sd_tensor t, int32_t format, int32_t* out);

/* Autocast over libtorch's own (thread-local) state, per device type (CPU: bfloat16; CUDA: float16 or
 * bfloat16). enter switches it on with dtype and returns the previous state, which the caller hands
 * back to exit; the outermost exit clears autocast's cache of cast weights. */
sd_status sd_autocast_state(int32_t device_type, int32_t* enabled, int32_t* dtype);
sd_status sd_autocast_enter(int32_t device_type, int32_t dtype, int32_t* previous_enabled, int32_t* previous_dtype);
sd_status sd_autocast_exit(int32_t device_type, int32_t previous_enabled, int32_t previous_dtype);

/* glibc malloc tuning (mallopt), called once by the loader before the first tensor; -1 leaves an
 * option at glibc's default. Values above 2^31-1 or refused by glibc are SD_ERR_ARGUMENT. */
sd_status sd_allocator_configure(int64_t mmap_threshold, int64_t trim_threshold, int64_t top_pad);

/* Random generators (CPU). A NULL generator means libtorch's default generator (of the tensor's
 * device). With a generator, tensors of another device are drawn on the CPU and copied, so a seed
 * gives the same numbers on every device. sd_manual_seed seeds the CPU and every CUDA default. */
sd_status sd_manual_seed(uint64_t seed);
sd_status sd_generator_new(uint64_t seed, sd_generator* out);
sd_status sd_generator_free(sd_generator g);
sd_status sd_generator_set_seed(sd_generator g, uint64_t seed);
sd_status sd_generator_get_state(sd_generator g, sd_tensor* out);
sd_status sd_generator_set_state(sd_generator g, sd_tensor state);

#endif
