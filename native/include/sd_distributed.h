/* Data-parallel communication: a process group of libtorch's c10d (ProcessGroupGloo on the CPU;
 * ProcessGroupNCCL where the shim is built against a CUDA libtorch with NCCL, see
 * docs/distributed.md). Rendezvous goes through a c10d TCPStore that rank 0 hosts at
 * host:port. Every operation is synchronous and bounded by the group's timeout; a peer that
 * died or hung makes the call fail with SD_ERR_DISTRIBUTED and a message, never a hang or an abort. */
#ifndef SD_DISTRIBUTED_H
#define SD_DISTRIBUTED_H

typedef struct sd_process_group_s* sd_process_group;

typedef enum sd_dist_backend { SD_DIST_GLOO = 0, SD_DIST_NCCL = 1 } sd_dist_backend;
typedef enum sd_dist_reduce { SD_DIST_SUM = 0, SD_DIST_AVG = 1 } sd_dist_reduce;

/* 1 when this shim was compiled with the given backend, 0 otherwise. */
sd_status sd_dist_backend_available(int32_t backend, int32_t* out);

/* Joins (rank 0: hosts, then joins) the group of world_size processes whose TCPStore listens on
 * host:port. join_timeout_ms bounds the wait for every rank to arrive; timeout_ms bounds every
 * later collective (and so how long a hung peer goes unnoticed). The gloo transport binds
 * to the interface named by GLOO_SOCKET_IFNAME when set, to 127.0.0.1 when host is a loopback
 * address, and to this machine's hostname otherwise (PyTorch's rule). */
sd_status sd_dist_init(const char* host, int32_t port, int32_t rank, int32_t world_size, int64_t join_timeout_ms,
                       int64_t timeout_ms, int32_t backend, sd_process_group* out);
/* Leaves the group and closes the store; NULL is ignored. */
sd_status sd_dist_free(sd_process_group group);

/* Overwrites `tensor` (same shape and dtype on every rank) with root's copy. */
sd_status sd_dist_broadcast(sd_process_group group, sd_tensor tensor, int32_t root);
/* Reduces `tensor` in place across the group (sum, or sum divided by the world size). */
sd_status sd_dist_all_reduce(sd_process_group group, sd_tensor tensor, int32_t op);
/* One bucket: flattens the n tensors (same dtype and device) into one buffer, reduces it in one
 * collective, and copies the result back into each tensor in place. */
sd_status sd_dist_all_reduce_bucket(sd_process_group group, const sd_tensor* tensors, int64_t n, int32_t op);
/* Returns when every rank has reached it (or fails after the timeout). */
sd_status sd_dist_barrier(sd_process_group group);

/* A gradient reducer (docs/distributed.md, "Gradient synchronisation"): all-reduces (averages) the
 * gradients of a fixed list of parameters in buckets, starting each bucket's collective during
 * the backward pass as soon as all its parameters' gradients have been accumulated (a post-hook on
 * each parameter's gradient accumulator). params lists the parameters bucket after bucket
 * (bucket_sizes[k] of them in bucket k; one dtype and device per bucket, no parameter twice);
 * buckets start in index order on every rank. Every rank must run the same backward passes.
 * timeout_ms bounds the wait in finish. Failures inside a hook are kept and reported by finish. */
typedef struct sd_grad_reducer_s* sd_grad_reducer;
sd_status sd_dist_reducer_create(sd_process_group group, const sd_tensor* params, int64_t n, const int64_t* bucket_sizes,
                                 int64_t n_buckets, int64_t timeout_ms, sd_grad_reducer* out);
/* After the step's backward pass: starts the buckets the hooks did not (parameters without a
 * gradient are skipped), waits for all, replaces each gradient by its mean over the ranks, and
 * resets for the next step. When a gradient changed after its bucket was started (a second
 * backward pass, or a parameter that got a gradient again after a step without one), the final
 * gradients are reduced once more after the backward pass, so the result is always exact. */
sd_status sd_dist_reducer_finish(sd_grad_reducer reducer);
/* Counters since creation: finished steps; buckets started from a hook (during backward); of
 * those, started while other gradients of the same backward pass were still to come (overlap);
 * buckets started in finish; steps whose reduction was redone after the backward pass. */
sd_status sd_dist_reducer_stats(sd_grad_reducer reducer, int64_t* steps, int64_t* launched_in_backward,
                                int64_t* launched_early, int64_t* launched_at_finish, int64_t* redone_steps);
/* Removes the hooks and frees the reducer (not while a backward pass runs); NULL is ignored. */
sd_status sd_dist_reducer_free(sd_grad_reducer reducer);

/* Training-mode batch norm of `input` [N, C, ...] with the statistics of the whole global batch:
 * every rank's per-channel mean, biased variance and element count are gathered (one collective;
 * ranks may hold different N) and combined. Differentiable: the backward pass all-reduces the
 * gradients of those statistics (one more collective). weight, bias, running_mean and
 * running_var may be NULL; the running statistics are updated in place with `momentum` and the
 * unbiased variance over the global count. Every rank must call it in the same order. */
sd_status sd_dist_sync_batch_norm(sd_process_group group, sd_tensor input, sd_tensor weight, sd_tensor bias,
                                  sd_tensor running_mean, sd_tensor running_var, double momentum, double eps,
                                  sd_tensor* out);

#endif
