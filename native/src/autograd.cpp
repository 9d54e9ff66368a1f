// Autograd, grad mode / inference mode, threads and random generators.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#include "shim.h"

struct sd_guard_s {
  c10::InferenceMode mode;
};

using sd::T;

SD_EXPORT sd_status sd_tensor_requires_grad(sd_tensor t, int32_t* out) {
  SD_TRY(*sd::check_out(out) = T(t).requires_grad() ? 1 : 0);
}

SD_EXPORT sd_status sd_tensor_set_requires_grad(sd_tensor t, int32_t value) {
  SD_TRY(T(t).set_requires_grad(value != 0));
}

SD_EXPORT sd_status sd_tensor_grad(sd_tensor t, sd_tensor* out) {
  SD_TRY({
    const auto& grad = T(t).grad();
    if (grad.defined())
      sd::put(out, grad);
    else
      *sd::check_out(out) = nullptr;
  });
}

// Assigning .grad directly bypasses autograd's own checks, so make PyTorch's (the Python setter's):
// a gradient of another shape, dtype or device would otherwise surface much later, in an optimizer.
SD_EXPORT sd_status sd_tensor_set_grad(sd_tensor t, sd_tensor grad) {
  SD_TRY({
    auto tensor = T(t);
    if (grad != nullptr) {
      const auto& g = grad->t;
      TORCH_CHECK_TYPE(g.scalar_type() == tensor.scalar_type(), "assigned grad has data of a different type: expected ",
                       tensor.scalar_type(), ", got ", g.scalar_type());
      TORCH_CHECK(g.device() == tensor.device(), "assigned grad has data located on a different device: expected ",
                  tensor.device(), ", got ", g.device());
      TORCH_CHECK(g.sizes() == tensor.sizes(), "assigned grad has data of a different size: expected ", tensor.sizes(),
                  ", got ", g.sizes());
    }
    tensor.mutable_grad() = grad == nullptr ? at::Tensor() : grad->t;
  });
}

SD_EXPORT sd_status sd_tensor_backward(sd_tensor t, sd_tensor grad, int32_t retain_graph, int32_t create_graph) {
  SD_TRY({
    const at::Tensor gradient = grad == nullptr ? at::Tensor() : grad->t;
    c10::optional<bool> retain = retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt;
    T(t).backward(gradient, retain, create_graph != 0);
  });
}

SD_EXPORT sd_status sd_tensor_detach(sd_tensor t, sd_tensor* out) { SD_TRY(sd::put(out, T(t).detach())); }

SD_EXPORT sd_status sd_tensor_is_leaf(sd_tensor t, int32_t* out) { SD_TRY(*sd::check_out(out) = T(t).is_leaf() ? 1 : 0); }

SD_EXPORT sd_status sd_autograd_grad(const sd_tensor* outputs, int64_t n_outputs, const sd_tensor* inputs,
                                     int64_t n_inputs, const sd_tensor* grad_outputs, int32_t create_graph,
                                     sd_tensor* out_grads) {
  SD_TRY({
    std::vector<at::Tensor> outs, ins, grads;
    for (int64_t i = 0; i < n_outputs; ++i) outs.push_back(T(outputs[i]));
    for (int64_t i = 0; i < n_inputs; ++i) ins.push_back(T(inputs[i]));
    if (grad_outputs != nullptr)
      for (int64_t i = 0; i < n_outputs; ++i)
        grads.push_back(grad_outputs[i] == nullptr ? at::Tensor() : grad_outputs[i]->t);
    auto result = torch::autograd::grad(outs, ins, grads, /*retain_graph=*/c10::nullopt, create_graph != 0,
                                        /*allow_unused=*/true);
    for (int64_t i = 0; i < n_inputs; ++i) {
      if (result[i].defined())
        sd::put(&out_grads[i], result[i]);
      else
        out_grads[i] = nullptr;
    }
  });
}

SD_EXPORT sd_status sd_grad_enabled(int32_t* out) { SD_TRY(*sd::check_out(out) = c10::GradMode::is_enabled() ? 1 : 0); }

SD_EXPORT sd_status sd_set_grad_enabled(int32_t enabled, int32_t* previous) {
  SD_TRY({
    *sd::check_out(previous) = c10::GradMode::is_enabled() ? 1 : 0;
    c10::GradMode::set_enabled(enabled != 0);
  });
}

SD_EXPORT sd_status sd_inference_mode_enter(sd_guard* out) { SD_TRY(*sd::check_out(out) = new sd_guard_s()); }

SD_EXPORT sd_status sd_inference_mode_exit(sd_guard g) { SD_TRY(delete g); }

SD_EXPORT sd_status sd_is_inference_mode(int32_t* out) {
  SD_TRY(*sd::check_out(out) = c10::InferenceMode::is_enabled() ? 1 : 0);
}

SD_EXPORT sd_status sd_set_num_threads(int32_t n) {
  SD_TRY({
    if (n < 1) sd::fail_argument("thread count must be at least 1, got " + std::to_string(n));
    at::set_num_threads(n);
  });
}

SD_EXPORT sd_status sd_get_num_threads(int32_t* out) { SD_TRY(*sd::check_out(out) = at::get_num_threads()); }

// Seeds the default CPU generator and, where libtorch sees GPUs, every CUDA default generator
// (what dropout on a CUDA tensor draws from), like torch.manual_seed.
SD_EXPORT sd_status sd_manual_seed(uint64_t seed) { SD_TRY(at::manual_seed(seed)); }

SD_EXPORT sd_status sd_generator_new(uint64_t seed, sd_generator* out) {
  SD_TRY(*sd::check_out(out) = new sd_generator_s{at::make_generator<at::CPUGeneratorImpl>(seed)});
}

SD_EXPORT sd_status sd_generator_free(sd_generator g) { SD_TRY(delete g); }

static at::Generator& gen(sd_generator g) {
  if (g == nullptr) sd::fail_argument("null generator handle");
  return g->g;
}

SD_EXPORT sd_status sd_generator_set_seed(sd_generator g, uint64_t seed) {
  SD_TRY({
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    gen(g).set_current_seed(seed);
  });
}

SD_EXPORT sd_status sd_generator_get_state(sd_generator g, sd_tensor* out) {
  SD_TRY({
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    sd::put(out, gen(g).get_state());
  });
}

SD_EXPORT sd_status sd_generator_set_state(sd_generator g, sd_tensor state) {
  SD_TRY({
    std::lock_guard<std::mutex> lock(gen(g).mutex());
    gen(g).set_state(T(state));
  });
}
