// Process groups of libtorch's c10d for data-parallel training (sd_distributed.h). The collectives
// are libtorch's own (gloo on the CPU, NCCL on CUDA builds); the shim only creates the group,
// flattens buckets, and turns every failure into SD_ERR_DISTRIBUTED with a message.
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/utils/tensor_flatten.h>
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
void all_reduce_sum_in_place(c10d::ProcessGroup& group, at::Tensor& t, const char* what) {
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
std::tuple<at::Tensor, at::Tensor, double> global_statistics(c10d::ProcessGroup& group, const at::Tensor& x) {
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
  c10::intrusive_ptr<c10d::ProcessGroup> group;
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
      std::tie(std::ignore, sum_g_xhat, sum_g) =
          at::native_batch_norm_backward(g, x, w, mean, variance, {}, {}, /*train=*/false, eps, {false, true, true});
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

at::Tensor sync_batch_norm(const c10::intrusive_ptr<c10d::ProcessGroup>& group, const at::Tensor& input,
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
