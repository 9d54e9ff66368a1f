// Soft ranks (Blondel et al. 2020, "Fast Differentiable Sorting and Ranking", arXiv:2002.08871).
//
// For one row θ of length n, with z = θ/ε, the soft rank is the projection of z onto the
// permutahedron of w, computed in O(n log n):
//   1. sort z in descending order: s = z[σ];
//   2. solve the isotonic regression v = argmin_{v1 ≥ … ≥ vn} R(v; s, w) with Pool-Adjacent-Violators;
//   3. the primal solution is s − v, un-permuted.
// L2 regularisation: w = (n, n−1, …, 1); R = ½‖v − (s − w)‖², so each PAV block takes the mean of
//   s − w over the block, and the ranks are s − v.
// KL (entropic) regularisation: w = log(n, n−1, …, 1); each block takes logsumexp(s) − logsumexp(w)
//   over the block, and the ranks are exp(s − v).
// Backward (exact; the solution is piecewise linear in s for L2, smooth within a fixed partition for
// KL): inside every PAV block, ∂v_b/∂s_i is 1/|b| (L2) or softmax(s_b)_i (KL), so the
// vector–Jacobian product of the primal s − v is u − weight_i · Σ_{j∈b} u_j per block, where u is
// the upstream gradient (times the ranks themselves for KL, the derivative of exp).
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <limits>
#include <vector>

#include "shim.h"

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

double log_add_exp(double a, double b) {
  const double m = std::max(a, b);
  if (m == -std::numeric_limits<double>::infinity()) return m;
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

// Solves the isotonic regression of one row already sorted in descending order. Writes, for every
// sorted position k: dual[k] (the block value), block[k] (block index, counted from `first_block`)
// and weight[k] (∂ block value / ∂ s_k). Returns the number of blocks.
int64_t pav_row(const double* s, int64_t n, bool kl, int64_t first_block, double* dual, int64_t* block,
                double* weight) {
  // A block covers sorted positions [start, start + count). For L2 it carries the sum of s − w;
  // for KL the log-sum-exp of s and of w over the block.
  struct Block {
    int64_t start, count;
    double sum, lse_s, lse_w;
    double value(bool kl) const { return kl ? lse_s - lse_w : sum / static_cast<double>(count); }
  };
  std::vector<Block> stack;
  stack.reserve(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    const double rank_weight = static_cast<double>(n - k);  // w_k = n − k (1-based ranks, descending)
    Block b{k, 1, s[k] - rank_weight, s[k], std::log(rank_weight)};
    stack.push_back(b);
    // Pool adjacent violators of the non-increasing constraint (equal neighbours are pooled too,
    // so tied inputs always share one block and get the same rank).
    while (stack.size() >= 2 && stack[stack.size() - 2].value(kl) <= stack.back().value(kl)) {
      Block last = stack.back();
      stack.pop_back();
      Block& prev = stack.back();
      prev.count += last.count;
      prev.sum += last.sum;
      prev.lse_s = log_add_exp(prev.lse_s, last.lse_s);
      prev.lse_w = log_add_exp(prev.lse_w, last.lse_w);
    }
  }
  for (size_t b = 0; b < stack.size(); ++b) {
    const Block& blk = stack[b];
    const double v = blk.value(kl);
    for (int64_t k = blk.start; k < blk.start + blk.count; ++k) {
      dual[k] = v;
      block[k] = first_block + static_cast<int64_t>(b);
      weight[k] = kl ? std::exp(s[k] - blk.lse_s) : 1.0 / static_cast<double>(blk.count);
    }
  }
  return static_cast<int64_t>(stack.size());
}

struct SoftRankFunction : public torch::autograd::Function<SoftRankFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& values, int64_t regularization,
                               double strength) {
    const bool kl = regularization == SD_SOFTRANK_KL;
    const double scale = 1.0 / strength;
    const int64_t rows = values.size(0), n = values.size(1);

    // PAV is sequential: solve it on the CPU in double precision, whatever the input's dtype.
    const at::Tensor z = values.detach().to(at::kCPU, at::kDouble).mul(scale).contiguous();
    // Descending order; the stable sort keeps tied values in input order (they share a block anyway).
    const at::Tensor perm = std::get<1>(z.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true)).contiguous();
    const at::Tensor sorted = z.gather(1, perm).contiguous();

    at::Tensor dual = at::empty({rows, n}, z.options());
    at::Tensor block_ids = at::empty({rows, n}, z.options().dtype(at::kLong));
    at::Tensor weights = at::empty({rows, n}, z.options());
    at::Tensor block_counts = at::empty({rows}, z.options().dtype(at::kLong));
    const double* s = sorted.data_ptr<double>();
    double* d = dual.data_ptr<double>();
    int64_t* ids = block_ids.data_ptr<int64_t>();
    double* wt = weights.data_ptr<double>();
    int64_t* counts = block_counts.data_ptr<int64_t>();
    int64_t total_blocks = 0;
    for (int64_t r = 0; r < rows; ++r) {
      counts[r] = pav_row(s + r * n, n, kl, total_blocks, d + r * n, ids + r * n, wt + r * n);
      total_blocks += counts[r];
    }

    at::Tensor primal_sorted = sorted - dual;
    if (kl) primal_sorted = primal_sorted.exp();
    const at::Tensor ranks_cpu = at::empty_like(primal_sorted).scatter_(1, perm, primal_sorted);

    const auto device = values.device();
    at::Tensor ranks = ranks_cpu.to(device, values.scalar_type());
    at::Tensor blocks = block_counts.to(device);

    ctx->saved_data["perm"] = perm.to(device);
    ctx->saved_data["block_ids"] = block_ids.view({-1}).to(device);
    ctx->saved_data["weights"] = weights.to(device, values.scalar_type());
    ctx->saved_data["total_blocks"] = total_blocks;
    ctx->saved_data["scale"] = scale;
    ctx->saved_data["kl"] = kl;
    ctx->save_for_backward({ranks});
    ctx->mark_non_differentiable({blocks});
    return {ranks, blocks};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    // The block partition and weights are saved as constants, so a graph built through this
    // backward would miss their dependence on the input: refuse instead of returning wrong
    // second-order gradients.
    if (at::GradMode::is_enabled())
      throw std::invalid_argument("soft rank supports first-order gradients only (create_graph is not supported)");
    const at::Tensor ranks = ctx->get_saved_variables()[0];
    const at::Tensor perm = ctx->saved_data["perm"].toTensor();
    const at::Tensor ids = ctx->saved_data["block_ids"].toTensor();
    const at::Tensor weights = ctx->saved_data["weights"].toTensor();
    const int64_t total_blocks = ctx->saved_data["total_blocks"].toInt();
    const double scale = ctx->saved_data["scale"].toDouble();
    const bool kl = ctx->saved_data["kl"].toBool();

    at::Tensor grad = grad_outputs[0];
    if (!grad.defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
    if (kl) grad = grad * ranks;  // d exp(p) = exp(p) dp
    const at::Tensor grad_sorted = grad.gather(1, perm);
    const at::Tensor block_sums =
        at::zeros({total_blocks}, grad_sorted.options()).index_add_(0, ids, grad_sorted.reshape({-1}));
    const at::Tensor correction = weights * block_sums.index_select(0, ids).view_as(grad_sorted);
    const at::Tensor grad_z = at::zeros_like(grad_sorted).scatter_(1, perm, grad_sorted - correction);
    return {grad_z * scale, at::Tensor(), at::Tensor()};
  }
};

}  // namespace

SD_EXPORT sd_status sd_soft_rank(sd_tensor values, int32_t regularization, double strength, sd_tensor* ranks,
                                 sd_tensor* blocks) {
  SD_TRY({
    const at::Tensor& x = sd::T(values);
    sd::check_out(ranks);
    sd::check_out(blocks);
    if (x.dim() != 2)
      sd::fail_argument("soft rank expects a 2-D tensor [rows, n] (each row is ranked), got " + std::to_string(x.dim()) +
                        " dimensions");
    if (!at::isFloatingType(x.scalar_type())) sd::fail_argument("soft rank expects a floating-point tensor");
    if (regularization != SD_SOFTRANK_L2 && regularization != SD_SOFTRANK_KL)
      sd::fail_argument("unknown soft-rank regularization code " + std::to_string(regularization) + " (0 l2, 1 kl)");
    if (!(strength > 0) || !std::isfinite(strength))
      sd::fail_argument("soft-rank regularization strength must be a finite number > 0, got " + std::to_string(strength));
    if (x.numel() > 0 && !at::isfinite(x).all().item<bool>()) sd::fail_argument("soft rank needs finite values (found NaN or infinity)");
    auto outputs = SoftRankFunction::apply(x, static_cast<int64_t>(regularization), strength);
    sd::put(ranks, outputs[0]);
    sd::put(blocks, outputs[1]);
  });
}
