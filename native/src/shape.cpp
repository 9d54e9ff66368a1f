// Shape changes, views and indexing.
#include "shim.h"

using sd::T;

SD_EXPORT sd_status sd_view(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).view(sd::dims(shape, ndim))));
}
SD_EXPORT sd_status sd_reshape(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).reshape(sd::dims(shape, ndim))));
}
SD_EXPORT sd_status sd_permute(sd_tensor a, const int64_t* dims, int64_t ndim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).permute(sd::dims(dims, ndim))));
}
SD_EXPORT sd_status sd_transpose(sd_tensor a, int64_t dim0, int64_t dim1, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).transpose(dim0, dim1)));
}
SD_EXPORT sd_status sd_contiguous(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, T(a).contiguous())); }
SD_EXPORT sd_status sd_clone(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, T(a).clone())); }
SD_EXPORT sd_status sd_unsqueeze(sd_tensor a, int64_t dim, sd_tensor* out) { SD_TRY(sd::put(out, T(a).unsqueeze(dim))); }
SD_EXPORT sd_status sd_squeeze(sd_tensor a, int64_t dim, sd_tensor* out) { SD_TRY(sd::put(out, T(a).squeeze(dim))); }
SD_EXPORT sd_status sd_squeeze_all(sd_tensor a, sd_tensor* out) { SD_TRY(sd::put(out, T(a).squeeze())); }
SD_EXPORT sd_status sd_flatten(sd_tensor a, int64_t start_dim, int64_t end_dim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).flatten(start_dim, end_dim)));
}
SD_EXPORT sd_status sd_expand(sd_tensor a, const int64_t* shape, int64_t ndim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).expand(sd::dims(shape, ndim))));
}
SD_EXPORT sd_status sd_slice(sd_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).slice(dim, start, end, step)));
}
SD_EXPORT sd_status sd_select(sd_tensor a, int64_t dim, int64_t index, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).select(dim, index)));
}
SD_EXPORT sd_status sd_narrow(sd_tensor a, int64_t dim, int64_t start, int64_t length, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).narrow(dim, start, length)));
}
SD_EXPORT sd_status sd_index_select(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).index_select(dim, T(index))));
}

static std::vector<at::Tensor> list(const sd_tensor* tensors, int64_t n) {
  if (n < 0 || (n > 0 && tensors == nullptr)) sd::fail_argument("bad tensor list");
  std::vector<at::Tensor> result;
  result.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) result.push_back(T(tensors[i]));
  return result;
}

SD_EXPORT sd_status sd_cat(const sd_tensor* tensors, int64_t n, int64_t dim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::cat(list(tensors, n), dim)));
}
SD_EXPORT sd_status sd_stack(const sd_tensor* tensors, int64_t n, int64_t dim, sd_tensor* out) {
  SD_TRY(sd::put(out, at::stack(list(tensors, n), dim)));
}
SD_EXPORT sd_status sd_chunk(sd_tensor a, int64_t chunks, int64_t dim, sd_tensor* out, int64_t* count) {
  SD_TRY({
    auto pieces = T(a).chunk(chunks, dim);
    sd::check_out(out);
    for (size_t i = 0; i < pieces.size(); ++i) out[i] = new sd_tensor_s(pieces[i]);
    *sd::check_out(count) = static_cast<int64_t>(pieces.size());
  });
}
SD_EXPORT sd_status sd_gather(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).gather(dim, T(index))));
}
SD_EXPORT sd_status sd_scatter(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor src, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).scatter(dim, T(index), T(src))));
}
SD_EXPORT sd_status sd_scatter_value(sd_tensor a, int64_t dim, sd_tensor index, sd_scalar value, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).scatter(dim, T(index), sd::scalar(value))));
}
SD_EXPORT sd_status sd_scatter_add(sd_tensor a, int64_t dim, sd_tensor index, sd_tensor src, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).scatter_add(dim, T(index), T(src))));
}
SD_EXPORT sd_status sd_masked_fill(sd_tensor a, sd_tensor mask, sd_scalar value, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).masked_fill(T(mask), sd::scalar(value))));
}
SD_EXPORT sd_status sd_masked_select(sd_tensor a, sd_tensor mask, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).masked_select(T(mask))));
}
SD_EXPORT sd_status sd_where(sd_tensor cond, sd_tensor a, sd_tensor b, sd_tensor* out) {
  SD_TRY(sd::put(out, at::where(T(cond), T(a), T(b))));
}
SD_EXPORT sd_status sd_flip(sd_tensor a, const int64_t* dims, int64_t ndim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).flip(sd::dims(dims, ndim))));
}
SD_EXPORT sd_status sd_roll(sd_tensor a, int64_t shift, int64_t dim, sd_tensor* out) {
  SD_TRY(sd::put(out, T(a).roll({shift}, {dim})));
}
