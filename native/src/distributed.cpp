// Process groups of libtorch's c10d for data-parallel training (sd_distributed.h). The collectives
// are libtorch's own (gloo on the CPU, NCCL on CUDA builds); the shim only creates the group,
// flattens buckets, and turns every failure into SD_ERR_DISTRIBUTED with a message.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/utils/tensor_flatten.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#ifdef SD_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <vector>

#include "shim.h"

struct sd_process_group_s {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
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

// Collectives work on contiguous memory: a strided tensor (e.g. a channels-last weight) goes
// through a contiguous copy that is written back.
at::Tensor contiguous_view(const at::Tensor& t) {
  if (!t.defined()) sd::fail_argument("undefined tensor");
  return t.contiguous();
}
void write_back(const at::Tensor& original, const at::Tensor& work) {
  if (work.is_same(original)) return;
  c10::AutoGradMode no_grad(false);  // parameters are leaves that require grad
  original.copy_(work);
}

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
    const at::Tensor& original = sd::T(tensor);
    at::Tensor t = contiguous_view(original);
    if (root < 0 || root >= g.world_size) sd::fail_argument("broadcast root " + std::to_string(root) + " is not a rank");
    std::vector<at::Tensor> one{t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    wait(g.group->broadcast(one, options));
    write_back(original, t);
  });
}

SD_EXPORT sd_status sd_dist_all_reduce(sd_process_group group, sd_tensor tensor, int32_t op) {
  return dist_guarded([&]() {
    auto& g = G(group);
    const at::Tensor& original = sd::T(tensor);
    at::Tensor t = contiguous_view(original);
    reduce_in_place(g, t, op);
    write_back(original, t);
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
    c10::AutoGradMode no_grad(false);
    for (size_t i = 0; i < members.size(); ++i) members[i].copy_(parts[i]);
  });
}

SD_EXPORT sd_status sd_dist_barrier(sd_process_group group) {
  return dist_guarded([&]() { wait(G(group).group->barrier()); });
}

// ---- Synchronised batch norm (docs/distributed.md, "Batch norm") ---------------------------------
// Training-mode batch norm whose statistics are those of the whole global batch: each rank's
// per-channel statistics are gathered across the ranks and combined. It is composed from ordinary ATen ops and one
// differentiable all-reduce, so it runs wherever those ops run (PyTorch's own SyncBatchNorm relies
// on CUDA-only kernels such as batch_norm_stats).
namespace {

void all_reduce_sum_in_place(c10d::ProcessGroup& group, at::Tensor& t) {
  std::vector<at::Tensor> one{t};
  wait(group.allreduce(one, c10d::AllreduceOptions{}));  // ReduceOp::SUM by default
}

// Backward of all_reduce_sum below. Every rank's output is the sum of every rank's input, so the
// gradient of the job's total loss with respect to this rank's input is the sum, over the ranks,
// of the gradients arriving at their outputs: an all-reduce of the incoming gradient. All ranks
// build the same graph, so their backward passes issue these collectives in the same order.
// A custom Node rather than torch::autograd::Function: the node owns the process group, so a
// graph kept alive longer than expected can never reach a freed group.
struct AllReduceSumBackward : public torch::autograd::Node {
  AllReduceSumBackward(c10::intrusive_ptr<c10d::ProcessGroup> group, at::Tensor zeros)
      : group_(std::move(group)), zeros_(std::move(zeros)) {}

  torch::autograd::variable_list apply(torch::autograd::variable_list&& grads) override {
    // An unused output still takes part: the other ranks wait for this rank's collective.
    at::Tensor grad = grads[0].defined() ? grads[0].contiguous().clone() : zeros_.clone();
    try {
      all_reduce_sum_in_place(*group_, grad);
    } catch (const std::exception& e) {
      // Raised inside the autograd engine and rethrown by backward(): its own type tells the
      // shim's guard that a peer is gone (SD_ERR_DISTRIBUTED), not a programming error.
      throw sd::distributed_error(std::string("synchronising batch norm gradients: ") + e.what());
    }
    return {grad};
  }

  std::string name() const override { return "SyncBatchNormAllReduceBackward"; }

 private:
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
  at::Tensor zeros_;
};

// Σ over the ranks of `x` (same shape everywhere), differentiable.
at::Tensor all_reduce_sum(const c10::intrusive_ptr<c10d::ProcessGroup>& group, const at::Tensor& x) {
  at::Tensor sum = x.detach().contiguous().clone();
  all_reduce_sum_in_place(*group, sum);
  if (torch::autograd::compute_requires_grad(x)) {
    auto node = std::shared_ptr<AllReduceSumBackward>(new AllReduceSumBackward(group, at::zeros_like(sum)),
                                                      torch::autograd::deleteNode);
    node->set_next_edges(torch::autograd::collect_next_edges(x));
    torch::autograd::set_history(sum, node);
  }
  return sum;
}

// Batch norm over dims 0, 2, 3, … of `input` with the global batch's statistics, in one
// collective forward and one backward. Each rank computes its own per-channel mean and biased
// variance (two passes over its shard, as a single process would) and its element count; the
// ranks' (mean, variance, count) rows are gathered into a [world, 2C + 1] table and combined with
// the parallel-variance formula, var = Σ n_r (v_r + (m_r − mean)²) / N, which needs no E[x²] − mean²
// cancellation. The table is gathered as an all-reduce sum of tables that are zero except for this
// rank's row, so the all-reduce's gradient (all_reduce_sum above) hands each rank the gradient of its
// own row from every rank's loss. Ranks may hold different numbers of samples (even none).
at::Tensor sync_batch_norm(const c10::intrusive_ptr<c10d::ProcessGroup>& group, const at::Tensor& input,
                           const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
                           const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
                           double momentum, double eps) {
  if (input.dim() < 2) sd::fail_argument("sync batch norm expects an input of at least 2 dimensions [N, C, ...]");
  const int64_t channels = input.size(1);
  std::vector<int64_t> reduced{0}, per_channel(static_cast<size_t>(input.dim()), 1);
  for (int64_t d = 2; d < input.dim(); ++d) reduced.push_back(d);
  per_channel[1] = channels;
  auto check_channels = [&](const c10::optional<at::Tensor>& t, const char* what) {
    if (t.has_value() && t->defined() && (t->dim() != 1 || t->size(0) != channels))
      sd::fail_argument(std::string(what) + " must have one value per channel (" + std::to_string(channels) + ")");
  };
  check_channels(weight, "weight");
  check_channels(bias, "bias");
  check_channels(running_mean, "running_mean");
  check_channels(running_var, "running_var");

  // Reduced-precision inputs (bfloat16 under autocast) compute their statistics in float32.
  const bool reduced_precision = input.scalar_type() == at::kHalf || input.scalar_type() == at::kBFloat16;
  const at::Tensor x = reduced_precision ? input.to(at::kFloat) : input;
  const int64_t local_n = channels == 0 ? 0 : x.numel() / channels;
  at::Tensor row;
  if (local_n > 0) {
    const at::Tensor local_mean = x.mean(reduced);
    const at::Tensor local_var = (x - local_mean.view(per_channel)).pow(2).mean(reduced);
    row = at::cat({local_mean, local_var, at::full({1}, static_cast<double>(local_n), x.options())});
  } else {
    row = at::zeros({2 * channels + 1}, x.options());  // an empty shard adds nothing, but still takes part
  }
  const int64_t world = group->getSize();
  std::vector<at::Tensor> rows(static_cast<size_t>(world));
  for (int64_t r = 0; r < world; ++r) rows[r] = r == group->getRank() ? row.unsqueeze(0) : at::zeros({1, 2 * channels + 1}, x.options());
  const at::Tensor table = all_reduce_sum(group, at::cat(rows));
  const at::Tensor counts = table.narrow(1, 2 * channels, 1).detach();  // constants: no gradient flows into them
  const double n = counts.sum().item<double>();
  if (n <= 1) sd::fail_argument("sync batch norm needs more than one value per channel across the ranks in training mode");

  const at::Tensor means = table.narrow(1, 0, channels), variances = table.narrow(1, channels, channels);
  const at::Tensor mean = (means * counts).sum(0) / n;
  const at::Tensor variance = ((variances + (means - mean).pow(2)) * counts).sum(0) / n;  // biased
  at::Tensor out = (x - mean.view(per_channel)) * (variance + eps).rsqrt().view(per_channel);
  if (weight.has_value() && weight->defined()) out = out * weight->view(per_channel);
  if (bias.has_value() && bias->defined()) out = out + bias->view(per_channel);

  // Running statistics as in PyTorch: momentum-weighted, with the unbiased variance of the global batch.
  {
    c10::AutoGradMode no_grad(false);
    if (running_mean.has_value() && running_mean->defined()) {
      auto rm = *running_mean;
      rm.mul_(1 - momentum).add_(mean.detach().to(rm.scalar_type()), momentum);
    }
    if (running_var.has_value() && running_var->defined()) {
      auto rv = *running_var;
      rv.mul_(1 - momentum).add_((variance.detach() * (n / (n - 1))).to(rv.scalar_type()), momentum);
    }
  }
  return reduced_precision ? out.to(input.scalar_type()) : out;
}

}  // namespace

SD_EXPORT sd_status sd_dist_sync_batch_norm(sd_process_group group, sd_tensor input, sd_tensor weight, sd_tensor bias,
                                            sd_tensor running_mean, sd_tensor running_var, double momentum, double eps,
                                            sd_tensor* out) {
  return dist_guarded([&]() {
    auto& g = G(group);
    sd::put(out, sync_batch_norm(g.group, sd::T(input), sd::opt(weight), sd::opt(bias), sd::opt(running_mean),
                                 sd::opt(running_var), momentum, eps));
  });
}
