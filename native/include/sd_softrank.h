/* Soft ranks: the differentiable ranking operator of Blondel, Teboul, Berthet, Djolonga, "Fast
 * Differentiable Sorting and Ranking" (ICML 2020, arXiv:2002.08871). libtorch has no such operator,
 * so the shim computes it: a projection onto the permutahedron solved by isotonic regression with
 * Pool-Adjacent-Violators (PAV), registered as an autograd function with its exact backward. */
#ifndef SD_SOFTRANK_H
#define SD_SOFTRANK_H

/* Regularisation of the projection: quadratic (the libraries' default) or entropic. */
typedef enum sd_softrank_regularization { SD_SOFTRANK_L2 = 0, SD_SOFTRANK_KL = 1 } sd_softrank_regularization;

/* Soft ranks of every row of a 2-D floating tensor `values` [rows, n], ascending and starting at 1
 * (the smallest value gets rank ≈ 1, the largest ≈ n). `strength` (ε > 0) is the regularisation
 * strength: ε → 0 gives the hard ranks, ε → ∞ gives every entry (n + 1) / 2. `ranks` gets a new
 * tensor like `values`, differentiable with respect to it (first order); `blocks` gets a new int64
 * tensor [rows] with the number of PAV blocks of each row (n: hard ranks with zero gradient;
 * 1: the ranks are affine in the values). Values must be finite. CUDA inputs are ranked on the CPU
 * and the results returned on the input's device. */
sd_status sd_soft_rank(sd_tensor values, int32_t regularization, double strength, sd_tensor* ranks, sd_tensor* blocks);

#endif
