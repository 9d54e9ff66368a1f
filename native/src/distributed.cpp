// Process groups of libtorch's c10d for data-parallel training (sd_distributed.h). The collectives
// are libtorch's own (gloo on the CPU, NCCL on CUDA builds); the shim only creates the group,
// flattens buckets, and turns every failure into SD_ERR_DISTRIBUTED with a message.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/utils/tensor_flatten.h>
#include <torch/version.h>
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
// get their own status so C# can tell "a peer is gone" from a programming error. Bad arguments
// detected before any communication keep SD_ERR_ARGUMENT.
class distributed_failure : public std::exception {
 public:
  explicit distributed_failure(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

template <class Body>
sd_status dist_guarded(Body&& body) noexcept {
  std::string failure;
  sd_status status = sd::guarded([&]() {
    try {
      body();
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const c10::Error& e) {
      failure = e.what_without_backtrace();
      throw distributed_failure(failure);
    } catch (const std::exception& e) {
      failure = e.what();
      throw distributed_failure(failure);
    }
  });
  if (status != SD_OK && !failure.empty()) {
    sd::set_last_error(failure);
    return SD_ERR_DISTRIBUTED;
  }
  return status;
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
  if (!work->wait()) throw distributed_failure("the collective did not complete");
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
