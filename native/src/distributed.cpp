// Process groups of libtorch's c10d for data-parallel training (sd_distributed.h). The collectives
// are libtorch's own (gloo on the CPU, NCCL on CUDA builds); the shim only creates the group,
// flattens buckets, and turns every failure into SD_ERR_DISTRIBUTED with a message.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/utils/tensor_flatten.h>
#include <torch/version.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/saved_variable.h>
#ifdef SD_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <vector>

#include "shim.h"

// From libtorch 2.0 on, ProcessGroupGloo and ProcessGroupNCCL are c10d "backends" (a ProcessGroup
// wraps one per device type); in 1.13 they are ProcessGroups themselves. Either way the object
// has the collectives this file calls, so the shim holds the gloo or NCCL object directly.
#if TORCH_VERSION_MAJOR >= 2
using sd_collectives = c10d::Backend;
#else
using sd_collectives = c10d::ProcessGroup;
#endif

struct sd_process_group_s {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<sd_collectives> group;
  int32_t world_size;
  bool sums_only;  // gloo has no AVG reduction: average as SUM then divide
};

namespace {

// Communication failures (gloo I/O errors, timeouts, c10d errors raised while talking to peers)
// become sd::distributed_error, which the shim's guard maps to SD_ERR_DISTRIBUTED, so C# can tell
// "a peer is gone" from a programming error. Bad arguments detected before any communication keep
// SD_ERR_ARGUMENT.
template <class Body>
sd_status dist_guarded(Body&& body) noexcept {
  return sd::guarded([&]() {
    try {
      body();
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const sd::distributed_error&) {
      throw;
    } catch (const c10::Error& e) {
      throw sd::distributed_error(e.what_without_backtrace());
    } catch (const std::exception& e) {
      throw sd::distributed_error(e.what());
    }
  });
}

sd_process_group_s& G(sd_process_group g) {
  if (g == nullptr) sd::fail_argument("null process group handle");
  return *g;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& host) {
  if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME"); iface != nullptr && *iface != '\0')
    return c10d::ProcessGroupGloo::createDeviceForInterface(iface);
  if (is_loopback(host)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

void wait(const c10::intrusive_ptr<c10d::Work>& work) {
  if (!work->wait()) throw sd::distributed_error("the collective did not complete");
}

void reduce_in_place(sd_process_group_s& g, at::Tensor& flat, int32_t op) {
  if (op != SD_DIST_SUM && op != SD_DIST_AVG) sd::fail_argument("unknown reduction code " + std::to_string(op));
  std::vector<at::Tensor> one{flat};
  c10d::AllreduceOptions options;
  options.reduceOp = (op == SD_DIST_AVG && !g.sums_only) ? c10d::ReduceOp::AVG : c10d::ReduceOp::SUM;
  wait(g.group->allreduce(one, options));
  if (op == SD_DIST_AVG && g.sums_only) flat.div_(g.world_size);
}

// Collectives write into the tensor they get. They get a detached alias, so a parameter (a leaf
// that requires grad) can be broadcast into; gloo writes a CUDA tensor through an in-place copy,
// which autograd would refuse on the parameter itself. A strided tensor (e.g. a channels-last
// weight) goes through a contiguous copy that is written back.
struct collective_buffer {
  at::Tensor alias;
  at::Tensor flat;
  explicit collective_buffer(const at::Tensor& original) {
    if (!original.defined()) sd::fail_argument("undefined tensor");
    alias = original.detach();
    flat = alias.contiguous();
  }
  void write_back() {
    if (!flat.is_same(alias)) alias.copy_(flat);
  }
};

}  // namespace

SD_EXPORT sd_status sd_dist_backend_available(int32_t backend, int32_t* out) {
  SD_TRY({
    int32_t available = 0;
    if (backend == SD_DIST_GLOO) available = 1;
#ifdef SD_WITH_NCCL
    if (backend == SD_DIST_NCCL) available = 1;
#endif
    *sd::check_out(out) = available;
  });
}

SD_EXPORT sd_status sd_dist_init(const char* host, int32_t port, int32_t rank, int32_t world_size, int64_t join_timeout_ms,
                                 int64_t timeout_ms, int32_t backend, sd_process_group* out) {
  sd::check_out(out);
  if (host == nullptr || *host == '\0') SD_TRY(sd::fail_argument("empty master address"));
  if (port <= 0 || port > 65535) SD_TRY(sd::fail_argument("master port " + std::to_string(port) + " is not in 1..65535"));
  if (world_size < 1) SD_TRY(sd::fail_argument("world size must be at least 1"));
  if (rank < 0 || rank >= world_size)
    SD_TRY(sd::fail_argument("rank " + std::to_string(rank) + " is not in 0.." + std::to_string(world_size - 1)));
  if (timeout_ms <= 0 || join_timeout_ms <= 0) SD_TRY(sd::fail_argument("timeouts must be positive"));
  if (backend != SD_DIST_GLOO && backend != SD_DIST_NCCL) SD_TRY(sd::fail_argument("unknown backend code " + std::to_string(backend)));
#ifndef SD_WITH_NCCL
  if (backend == SD_DIST_NCCL)
    SD_TRY(TORCH_CHECK_NOT_IMPLEMENTED(false, "the nccl backend needs the shim built against a CUDA libtorch with NCCL ",
                                       "(docs/distributed.md); use gloo"));
#endif
  return dist_guarded([&]() {
    const std::chrono::milliseconds timeout(timeout_ms), join_timeout(join_timeout_ms);
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(port);
    store_options.isServer = rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(world_size);
    store_options.waitWorkers = false;
    store_options.timeout = join_timeout;
    auto g = std::make_unique<sd_process_group_s>();
    g->store = c10::make_intrusive<c10d::TCPStore>(host, store_options);
    // Ranks start at different times (process start, dataset and teacher loading), so first wait
    // for all of them with the generous join timeout; from then on the short one bounds every call.
    if (g->store->add("sharpdistill/joined", 1) == world_size) g->store->set("sharpdistill/ready", std::vector<uint8_t>{1});
    g->store->wait({"sharpdistill/ready"}, join_timeout);
    g->store->setTimeout(timeout);
    g->world_size = world_size;
    if (backend == SD_DIST_GLOO) {
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      options->devices.push_back(gloo_device(host));
      g->group = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, world_size, options);
      g->sums_only = true;
    }
#ifdef SD_WITH_NCCL
    else {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      g->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(g->store, rank, world_size, options);
      g->sums_only = false;
    }
#endif
    *out = g.release();
  });
}

SD_EXPORT sd_status sd_dist_free(sd_process_group group) { SD_TRY(delete group); }

SD_EXPORT sd_status sd_dist_broadcast(sd_process_group group, sd_tensor tensor, int32_t root) {
  return dist_guarded([&]() {
    auto& g = G(group);
    collective_buffer buffer(sd::T(tensor));
    if (root < 0 || root >= g.world_size) sd::fail_argument("broadcast root " + std::to_string(root) + " is not a rank");
    std::vector<at::Tensor> one{buffer.flat};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    wait(g.group->broadcast(one, options));
    buffer.write_back();
  });
}

SD_EXPORT sd_status sd_dist_all_reduce(sd_process_group group, sd_tensor tensor, int32_t op) {
  return dist_guarded([&]() {
    auto& g = G(group);
    collective_buffer buffer(sd::T(tensor));
    reduce_in_place(g, buffer.flat, op);
    buffer.write_back();
  });
}

SD_EXPORT sd_status sd_dist_all_reduce_bucket(sd_process_group group, const sd_tensor* tensors, int64_t n, int32_t op) {
  return dist_guarded([&]() {
    auto& g = G(group);
    if (n < 0 || (n > 0 && tensors == nullptr)) sd::fail_argument("bad tensor list");
    if (n == 0) return;
    std::vector<at::Tensor> members;
    members.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const at::Tensor& t = sd::T(tensors[i]);
      if (!t.defined()) sd::fail_argument("undefined tensor in bucket");
      if (i > 0 && (t.scalar_type() != members[0].scalar_type() || t.device() != members[0].device()))
        sd::fail_argument("a bucket's tensors must share dtype and device");
      members.push_back(t);
    }
    at::Tensor flat = torch::utils::flatten_dense_tensors(members);
    reduce_in_place(g, flat, op);
    auto parts = torch::utils::unflatten_dense_tensors(flat, members);
    for (size_t i = 0; i < members.size(); ++i) members[i].detach().copy_(parts[i]);
  });
}

SD_EXPORT sd_status sd_dist_barrier(sd_process_group group) {
  return dist_guarded([&]() { wait(G(group).group->barrier()); });
}

// ---- Gradient reducer: bucket all-reduces started during the backward pass -------------------
// docs/distributed.md, "Gradient synchronisation". PyTorch DDP's Reducer does not compile against
// Debian's libtorch headers, so this is our own bookkeeping on top of the process group's
// asynchronous allreduce (the collective stays c10d's). A post-hook on each parameter's gradient
// accumulator counts the parameter as ready; when every expected parameter of a bucket is ready,
// the bucket is flattened into its own buffer and its allreduce is started without waiting.
// Buckets are started strictly in index order (a ready bucket waits for the ones before it), so
// every rank issues the same sequence of collectives whatever order its autograd engine finishes
// the gradients in. sd_dist_reducer_finish starts whatever the hooks did not, waits, averages and
// copies back.
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace {

struct reducer_bucket {
  std::vector<size_t> params;            // indices into reducer_state::params
  size_t pending = 0;                    // expected parameters not yet accumulated this step
  bool launched = false;                 // its allreduce was started this step (or it had nothing to send)
  std::vector<at::Tensor> members;       // the gradients flattened at launch (results are copied back into them)
  at::Tensor flat;                       // the buffer the allreduce works on: never a gradient's own memory
  c10::intrusive_ptr<c10d::Work> work;   // null when the bucket had no gradient
};

struct reducer_state {
  std::mutex mutex;
  c10::intrusive_ptr<sd_collectives> group;
  int32_t world_size = 1;
  bool sums_only = true;
  std::chrono::milliseconds timeout{0};
  std::vector<at::Tensor> params;
  std::vector<size_t> bucket_of;
  std::vector<char> has_accumulator;  // requires grad: a hook can tell when its gradient is ready
  std::vector<char> expected;         // counted for readiness: got a gradient in the last finished step
  std::vector<char> accumulated;      // its hook ran in this step
  std::vector<reducer_bucket> buckets;
  size_t next_launch = 0;             // buckets start in index order on every rank
  size_t outstanding = 0;             // expected parameters of the whole step not yet accumulated
  bool redo = false;                  // a gradient changed after its bucket was started (see finish)
  std::string error;                  // the first failure inside a hook, reported by finish
  int64_t steps = 0, launched_in_backward = 0, launched_early = 0, launched_at_finish = 0, redone_steps = 0;

  // Everything for a new step; the caller holds the mutex (or owns the object alone).
  void reset_step() {
    std::fill(accumulated.begin(), accumulated.end(), 0);
    outstanding = 0;
    for (auto& b : buckets) {
      b.pending = 0;
      for (size_t i : b.params) b.pending += expected[i] ? 1 : 0;
      outstanding += b.pending;
      b.launched = false;
      b.members.clear();
      b.flat = at::Tensor();
      b.work.reset();
    }
    next_launch = 0;
    redo = false;
    error.clear();
  }

  c10d::AllreduceOptions options() const {
    c10d::AllreduceOptions o;
    o.reduceOp = sums_only ? c10d::ReduceOp::SUM : c10d::ReduceOp::AVG;
    return o;
  }

  // Starts bucket k's allreduce over the gradients its parameters hold now.
  void launch(size_t k) {
    auto& b = buckets[k];
    b.launched = true;
    for (size_t i : b.params) {
      const at::Tensor& g = params[i].grad();
      if (g.defined()) b.members.push_back(g);
    }
    if (b.members.empty()) return;
    at::NoGradGuard no_grad;
    at::Tensor flat = torch::utils::flatten_dense_tensors(b.members);
    // A one-tensor bucket flattens to a view of the gradient itself; gloo writes the buffer on its
    // own thread while autograd may still touch the gradient, so it always gets its own copy.
    if (flat.is_alias_of(b.members[0])) flat = flat.clone();
    b.flat = flat;
    std::vector<at::Tensor> one{b.flat};
    b.work = group->allreduce(one, options());
  }

  // Starts every bucket, in order, whose expected parameters are all ready (from a hook).
  void launch_ready() {
    while (next_launch < buckets.size() && buckets[next_launch].pending == 0) {
      launch(next_launch);
      if (buckets[next_launch].work) {
        ++launched_in_backward;
        if (outstanding > 0) ++launched_early;  // other gradients of this backward are still to come
      }
      ++next_launch;
    }
  }

  // The post-hook: parameter i's gradient was accumulated. Never throws into the autograd engine;
  // a failure is kept and reported by finish.
  void on_accumulated(size_t i) noexcept {
    std::lock_guard<std::mutex> lock(mutex);
    if (!error.empty()) return;
    try {
      auto& b = buckets[bucket_of[i]];
      if (b.launched) {
        // A second backward before finish (gradient accumulation), or a parameter that got no
        // gradient last step and has one now: the buffer already sent is stale.
        redo = true;
        return;
      }
      if (accumulated[i]) return;  // accumulated twice before its bucket started: the launch takes the sum
      accumulated[i] = 1;
      if (expected[i]) {
        --b.pending;
        --outstanding;
      }
      launch_ready();
    } catch (const c10::Error& e) {
      error = e.what_without_backtrace();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown failure";
    }
  }

  void wait_until(reducer_bucket& b, size_t k, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left < std::chrono::milliseconds(1)) left = std::chrono::milliseconds(1);
    std::string detail;
    try {
      if (b.work->wait(left)) return;
      detail = "the collective did not complete";
    } catch (const c10::Error& e) {
      detail = e.what_without_backtrace();  // c10d's own errors, e.g. its timeout
    } catch (const std::exception& e) {
      detail = e.what();  // gloo's I/O errors: a peer closed the connection
    }
    throw sd::distributed_error("the all-reduce of gradient bucket " + std::to_string(k + 1) + " of " +
                              std::to_string(buckets.size()) + " failed or did not complete within " +
                              std::to_string(timeout.count()) + " ms of the end of the backward pass: " + detail);
  }

  void copy_back(reducer_bucket& b) {
    if (!b.work) return;
    at::NoGradGuard no_grad;
    if (sums_only) b.flat.div_(world_size);
    auto parts = torch::utils::unflatten_dense_tensors(b.flat, b.members);
    for (size_t i = 0; i < b.members.size(); ++i) b.members[i].copy_(parts[i]);
  }

  // After backward: start what the hooks did not, wait for everything, write the averages back.
  void finish() {
    std::lock_guard<std::mutex> lock(mutex);
    struct reset_on_exit {
      reducer_state& s;
      ~reset_on_exit() { s.reset_step(); }
    } reset{*this};
    ++steps;
    if (!error.empty())
      throw sd::distributed_error("a gradient all-reduce could not be started during the backward pass: " + error);
    while (next_launch < buckets.size()) {
      launch(next_launch);
      if (buckets[next_launch].work) ++launched_at_finish;
      ++next_launch;
    }
    // A gradient no hook announced (a parameter that only started requiring grad after the
    // reducer was made has no hook) but that appeared after its bucket was sent: stale as well.
    for (auto& b : buckets)
      for (size_t i : b.params) {
        const at::Tensor& g = params[i].grad();
        if (g.defined() && std::none_of(b.members.begin(), b.members.end(), [&](const at::Tensor& m) { return m.is_same(g); }))
          redo = true;
      }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (size_t k = 0; k < buckets.size(); ++k)
      if (buckets[k].work) wait_until(buckets[k], k, deadline);
    if (redo) {
      // Some gradient changed after its bucket was sent: what came back is stale, so reduce the
      // final gradients once more after the backward pass. Every rank runs the same backward
      // passes, so every rank takes this path in the same step and the collectives stay paired.
      ++redone_steps;
      for (auto& b : buckets) {
        b.members.clear();
        b.work.reset();
        launch(&b - buckets.data());
      }
      const auto again = std::chrono::steady_clock::now() + timeout;
      for (size_t k = 0; k < buckets.size(); ++k)
        if (buckets[k].work) wait_until(buckets[k], k, again);
    }
    for (auto& b : buckets) copy_back(b);
    // Parameters that got no gradient this step are not waited for next step (DDP learns its
    // unused parameters the same way); one that gets a gradient again triggers a redo once.
    // A step without any backward pass teaches nothing.
    if (std::find(accumulated.begin(), accumulated.end(), 1) != accumulated.end())
      for (size_t i = 0; i < params.size(); ++i) expected[i] = has_accumulator[i] && accumulated[i] ? 1 : 0;
  }
};

class gradient_ready_hook : public torch::autograd::FunctionPostHook {
 public:
  gradient_ready_hook(std::weak_ptr<reducer_state> state, size_t index) : state_(std::move(state)), index_(index) {}
  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs,
                                            const torch::autograd::variable_list& /*inputs*/) override {
    if (auto state = state_.lock()) state->on_accumulated(index_);
    return outputs;
  }

 private:
  std::weak_ptr<reducer_state> state_;
  size_t index_;
};

}  // namespace

struct sd_grad_reducer_s {
  std::shared_ptr<reducer_state> state;
  // The accumulators are kept alive here: autograd holds them only weakly between backward
  // passes, and a new one (without our hook) would be made for the next graph.
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators;
  std::vector<uintptr_t> hook_keys;

  ~sd_grad_reducer_s() {
    for (size_t i = 0; i < accumulators.size(); ++i)
      if (accumulators[i]) accumulators[i]->del_post_hook(hook_keys[i]);
  }
};

SD_EXPORT sd_status sd_dist_reducer_create(sd_process_group group, const sd_tensor* params, int64_t n,
                                           const int64_t* bucket_sizes, int64_t n_buckets, int64_t timeout_ms,
                                           sd_grad_reducer* out) {
  return dist_guarded([&]() {
    auto& g = G(group);
    sd::check_out(out);
    if (n < 0 || n_buckets < 0 || (n > 0 && (params == nullptr || bucket_sizes == nullptr)))
      sd::fail_argument("bad parameter or bucket list");
    if (timeout_ms <= 0) sd::fail_argument("the timeout must be positive");
    auto state = std::make_shared<reducer_state>();
    state->group = g.group;
    state->world_size = g.world_size;
    state->sums_only = g.sums_only;
    state->timeout = std::chrono::milliseconds(timeout_ms);
    int64_t next = 0;
    for (int64_t k = 0; k < n_buckets; ++k) {
      if (bucket_sizes[k] < 1) sd::fail_argument("bucket " + std::to_string(k) + " is empty");
      if (bucket_sizes[k] > n - next) sd::fail_argument("the bucket sizes add up to more than the parameters");
      reducer_bucket b;
      for (int64_t j = 0; j < bucket_sizes[k]; ++j, ++next) {
        const at::Tensor& p = sd::T(params[next]);
        if (!p.defined()) sd::fail_argument("undefined parameter");
        if (!p.is_leaf()) sd::fail_argument("parameter " + std::to_string(next) + " is not a leaf tensor");
        const at::Tensor& first = b.params.empty() ? p : state->params[b.params[0]];
        if (p.scalar_type() != first.scalar_type() || p.device() != first.device())
          sd::fail_argument("a bucket's parameters must share dtype and device");
        for (const auto& q : state->params)
          if (q.unsafeGetTensorImpl() == p.unsafeGetTensorImpl())
            sd::fail_argument("parameter " + std::to_string(next) + " is listed twice");
        b.params.push_back(state->params.size());
        state->bucket_of.push_back(state->buckets.size());
        state->params.push_back(p);
      }
      state->buckets.push_back(std::move(b));
    }
    if (next != n) sd::fail_argument("the bucket sizes add up to fewer than the parameters");
    auto reducer = std::make_unique<sd_grad_reducer_s>();
    reducer->accumulators.resize(state->params.size());
    reducer->hook_keys.resize(state->params.size());
    state->has_accumulator.assign(state->params.size(), 0);
    for (size_t i = 0; i < state->params.size(); ++i) {
      // A parameter that does not require grad has no accumulator: it is reduced at finish if it
      // somehow holds a gradient, like in the after-backward path.
      auto accumulator = torch::autograd::impl::grad_accumulator(state->params[i]);
      if (!accumulator) continue;
      state->has_accumulator[i] = 1;
      reducer->hook_keys[i] = accumulator->add_post_hook(std::make_unique<gradient_ready_hook>(state, i));
      reducer->accumulators[i] = std::move(accumulator);
    }
    state->expected = state->has_accumulator;
    state->accumulated.assign(state->params.size(), 0);
    state->reset_step();
    reducer->state = std::move(state);
    *out = reducer.release();
  });
}

SD_EXPORT sd_status sd_dist_reducer_finish(sd_grad_reducer reducer) {
  return dist_guarded([&]() {
    if (reducer == nullptr) sd::fail_argument("null gradient reducer handle");
    reducer->state->finish();
  });
}

SD_EXPORT sd_status sd_dist_reducer_stats(sd_grad_reducer reducer, int64_t* steps, int64_t* launched_in_backward,
                                          int64_t* launched_early, int64_t* launched_at_finish, int64_t* redone_steps) {
  SD_TRY({
    if (reducer == nullptr) sd::fail_argument("null gradient reducer handle");
    auto& s = *reducer->state;
    std::lock_guard<std::mutex> lock(s.mutex);
    *sd::check_out(steps) = s.steps;
    *sd::check_out(launched_in_backward) = s.launched_in_backward;
    *sd::check_out(launched_early) = s.launched_early;
    *sd::check_out(launched_at_finish) = s.launched_at_finish;
    *sd::check_out(redone_steps) = s.redone_steps;
  });
}

SD_EXPORT sd_status sd_dist_reducer_free(sd_grad_reducer reducer) { SD_TRY(delete reducer); }

// ---- Synchronised batch norm (docs/distributed.md, "Batch norm") ---------------------------------
// Training-mode batch norm whose statistics are those of the whole global batch, with one
// collective forward (the ranks' per-channel statistics) and one backward (the ranks' per-channel
// gradient sums), as PyTorch's SyncBatchNorm. PyTorch's relies on CUDA-only kernels
// (batch_norm_stats, batch_norm_elemt, ...); this one uses libtorch's CPU-and-CUDA batch-norm
// kernels (local statistics; eval-mode normalisation and backward fed with the global statistics)
// plus per-channel arithmetic. Its backward is written out (a custom autograd node) rather than
// left to autograd over composed ops: composed, the same arithmetic took about 3.5 times as long
// as libtorch's fused batch norm on resnet8's layers.
namespace {

using torch::autograd::variable_list;

// Only the collectives report SD_ERR_DISTRIBUTED ("a peer is gone"); any other failure keeps its
// own status. sd::distributed_error keeps its type through the autograd engine, which rethrows
// what a backward node raised.
void all_reduce_sum_in_place(sd_collectives& group, at::Tensor& t, const char* what) {
  try {
    std::vector<at::Tensor> one{t};
    wait(group.allreduce(one, c10d::AllreduceOptions{}));  // ReduceOp::SUM by default
  } catch (const std::exception& e) {
    throw sd::distributed_error(std::string(what) + ": " + e.what());
  }
}

std::vector<int64_t> per_channel_shape(const at::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = x.size(1);
  return shape;
}

// Global (mean, biased variance, count) per channel. Every rank's local (mean, biased variance,
// count) row is gathered into a [world, 2C + 1] table (an all-reduce of tables that are zero except
// for this rank's row) and combined with the parallel-variance formula,
// var = Σ n_r (v_r + (m_r − mean)²) / N: each rank's variance comes from a two-pass kernel, so
// there is no E[x²] − mean² cancellation. Ranks may hold different numbers of samples, even none.
std::tuple<at::Tensor, at::Tensor, double> global_statistics(sd_collectives& group, const at::Tensor& x) {
  const int64_t channels = x.size(1), local_n = channels == 0 ? 0 : x.numel() / channels;
  at::Tensor table = at::zeros({group.getSize(), 2 * channels + 1}, x.options());
  if (local_n > 0) {
    // libtorch's fused batch-norm statistics kernel (mean, then Σ(x − mean)² / n): several times
    // faster than a generic var_mean over dims 0, 2, 3.
    auto [local_mean, local_var] = at::batch_norm_update_stats(x, {}, {}, 0.0);
    at::Tensor row = table.select(0, group.getRank());
    row.narrow(0, 0, channels).copy_(local_mean);
    row.narrow(0, channels, channels).copy_(local_var);
    row[2 * channels] = static_cast<double>(local_n);
  }
  all_reduce_sum_in_place(group, table, "synchronising batch norm statistics");
  const at::Tensor counts = table.narrow(1, 2 * channels, 1);
  const double n = counts.sum().item<double>();
  if (n <= 1) sd::fail_argument("sync batch norm needs more than one value per channel across the ranks in training mode");
  const at::Tensor means = table.narrow(1, 0, channels), variances = table.narrow(1, channels, channels);
  const at::Tensor mean = (means * counts).sum(0) / n;
  const at::Tensor variance = ((variances + (means - mean).pow(2)) * counts).sum(0) / n;
  return {mean, variance, n};
}

// Gradient of y = w·(x − mean)·invstd + b when mean and invstd are the global batch's. With
// x̂ = (x − mean)·invstd and the global per-channel sums S1 = Σ g, S2 = Σ g·x̂ (all-reduced: they hold
// every rank's loss), dx = w·invstd·(g − S1/N − x̂·S2/N); dw = Σ g·x̂ and db = Σ g over this rank's
// samples only (the trainer averages parameter gradients over the ranks like any other). The local
// sums come from libtorch's fused eval-mode batch-norm backward.
struct SyncBatchNormBackward : public torch::autograd::Node {
  c10::intrusive_ptr<sd_collectives> group;
  torch::autograd::SavedVariable input, weight;
  at::Tensor mean, variance;  // global, per channel
  double count = 0, eps = 0;
  bool has_weight = false, has_bias = false;

  variable_list apply(variable_list&& grads) override {
    if (c10::GradMode::is_enabled())
      throw std::invalid_argument("sync batch norm supports first-order gradients only (create_graph is not supported)");
    const at::Tensor x = input.unpack(shared_from_this());
    const int64_t channels = x.size(1);
    const at::Tensor w = has_weight ? weight.unpack(shared_from_this()) : at::ones({channels}, x.options());
    const at::Tensor g = grads[0].defined() ? grads[0] : at::zeros_like(x);
    at::Tensor sum_g_xhat, sum_g;
    if (x.numel() > 0) {
      // Eval-mode backward reads the statistics from its "running" arguments. The CUDA kernel also
      // insists on defined save_mean/save_invstd, and takes empty ones to mean "use the running
      // statistics" (what its own eval-mode forward returns); the CPU kernel ignores them in eval mode.
      const at::Tensor none = x.is_cuda() ? at::empty({0}, mean.options()) : at::Tensor();
      std::tie(std::ignore, sum_g_xhat, sum_g) =
          at::native_batch_norm_backward(g, x, w, mean, variance, none, none, /*train=*/false, eps, {false, true, true});
    } else {
      sum_g_xhat = at::zeros({channels}, x.options());
      sum_g = at::zeros({channels}, x.options());
    }
    at::Tensor sums = at::cat({sum_g, sum_g_xhat});  // the rank's own sums stay in sum_g, sum_g_xhat
    all_reduce_sum_in_place(*group, sums, "synchronising batch norm gradients");
    // dx = g·w·invstd − x·k1 − k0 with k1 = w·invstd²·S2/N and k0 = w·invstd·S1/N − k1·mean:
    // per-channel coefficients, then two fused multiply-adds over the activations.
    const at::Tensor scale = w * (variance + eps).rsqrt();
    const at::Tensor k1 = scale * (variance + eps).rsqrt() * sums.narrow(0, channels, channels) / count;
    const at::Tensor k0 = scale * sums.narrow(0, 0, channels) / count - k1 * mean;
    const auto shape = per_channel_shape(x);
    at::Tensor dx = at::addcmul(-k0.view(shape), g, scale.view(shape));
    dx.addcmul_(x, k1.view(shape), -1);
    return {dx, has_weight ? sum_g_xhat : at::Tensor(), has_bias ? sum_g : at::Tensor()};
  }

  std::string name() const override { return "SyncBatchNormBackward"; }

  void release_variables() override {
    input.reset_data();
    weight.reset_data();
  }
};

at::Tensor sync_batch_norm(const c10::intrusive_ptr<sd_collectives>& group, const at::Tensor& input,
                           const c10::optional<at::Tensor>& weight_arg, const c10::optional<at::Tensor>& bias_arg,
                           const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
                           double momentum, double eps) {
  if (input.dim() < 2) sd::fail_argument("sync batch norm expects an input of at least 2 dimensions [N, C, ...]");
  const int64_t channels = input.size(1);
  auto given = [&](const c10::optional<at::Tensor>& t, const char* what) {
    const bool defined = t.has_value() && t->defined();
    if (defined && (t->dim() != 1 || t->size(0) != channels))
      sd::fail_argument(std::string(what) + " must have one value per channel (" + std::to_string(channels) + ")");
    return defined ? *t : at::Tensor();
  };
  const at::Tensor weight = given(weight_arg, "weight"), bias = given(bias_arg, "bias");
  given(running_mean, "running_mean");
  given(running_var, "running_var");

  // Reduced-precision inputs (bfloat16 under autocast) are normalised in float32 (a differentiable
  // conversion, so their gradient flows back through it).
  const bool reduced_precision = input.scalar_type() == at::kHalf || input.scalar_type() == at::kBFloat16;
  const at::Tensor x = reduced_precision ? input.to(at::kFloat) : input;
  auto [mean, variance, n] = [&] {
    c10::AutoGradMode no_grad(false);
    return global_statistics(*group, x.detach());
  }();

  at::Tensor out;
  {
    c10::AutoGradMode no_grad(false);
    // Eval-mode batch norm with the global statistics as its "running" ones: the fused normalisation.
    out = x.numel() == 0 ? at::empty_like(x)
                         : std::get<0>(at::native_batch_norm(x.detach(), weight.defined() ? weight.detach() : at::Tensor(),
                                                             bias.defined() ? bias.detach() : at::Tensor(), mean, variance,
                                                             /*training=*/false, 0.0, eps));
    // Running statistics as in PyTorch: momentum-weighted, with the unbiased variance of the global batch.
    if (running_mean.has_value() && running_mean->defined())
      running_mean->mul_(1 - momentum).add_(mean.to(running_mean->scalar_type()), momentum);
    if (running_var.has_value() && running_var->defined())
      running_var->mul_(1 - momentum).add_((variance * (n / (n - 1))).to(running_var->scalar_type()), momentum);
  }
  if (torch::autograd::compute_requires_grad(x, weight, bias)) {
    auto node = std::shared_ptr<SyncBatchNormBackward>(new SyncBatchNormBackward(), torch::autograd::deleteNode);
    node->group = group;
    node->input = torch::autograd::SavedVariable(x, /*is_output=*/false);
    node->has_weight = weight.defined();
    node->has_bias = bias.defined();
    if (node->has_weight) node->weight = torch::autograd::SavedVariable(weight, /*is_output=*/false);
    node->mean = mean;
    node->variance = variance;
    node->count = n;
    node->eps = eps;
    node->set_next_edges(torch::autograd::collect_next_edges(x, weight, bias));
    torch::autograd::set_history(out, node);
  }
  return reduced_precision ? out.to(input.scalar_type()) : out;
}

}  // namespace

SD_EXPORT sd_status sd_dist_sync_batch_norm(sd_process_group group, sd_tensor input, sd_tensor weight, sd_tensor bias,
                                            sd_tensor running_mean, sd_tensor running_var, double momentum, double eps,
                                            sd_tensor* out) {
  SD_TRY(sd::put(out, sync_batch_norm(G(group).group, sd::T(input), sd::opt(weight), sd::opt(bias), sd::opt(running_mean),
                                      sd::opt(running_var), momentum, eps)));
}
