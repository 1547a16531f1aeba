// rmt_vector.h — wide-vector (AVX-512 / AVX2+FMA) row kernels for the exp-heavy steps of the
// encoder: softmax rows, GELU forward and backward, and the fused epilogues of the projections
// (bias + GELU, residual + LayerNorm); and the optimizer's element loops (AdamW, the gradient's
// sum of squares), which dominate a step of a small model with a large embedding table.
//
// The Swift package builds for baseline x86-64 (SSE2), and unsafe compiler flags would stop it
// being used as a dependency, so this C target compiles each kernel with a per-function
// `target` attribute and picks one at run time from CPUID (rmt_vector_level). Every kernel is
// single-threaded over the range it is given; RMTKernels splits work over cores and keeps the
// portable Swift kernels as the fallback and as the twins these are tested against.
// Same polynomials as the Swift kernels (VectorMath.swift): Cody–Waite exp with the Cephes
// degree-6 polynomial (exact 0 below −87.34), Abramowitz & Stegun 7.1.26 erf.
#ifndef RMT_VECTOR_H
#define RMT_VECTOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels. A kernel called with a level the CPU lacks, or with
/// RMT_VECTOR_NONE, does nothing and returns 0; otherwise it returns 1.
enum {
    RMT_VECTOR_NONE = 0,    ///< no wide kernels (not x86-64, or no AVX2+FMA): use the Swift ones
    RMT_VECTOR_AVX2 = 1,    ///< 8 lanes, AVX2 + FMA
    RMT_VECTOR_AVX512 = 2,  ///< 16 lanes, AVX-512 F/BW/VL (with OS support for the ZMM state)
};

/// The best level this CPU and OS support (from rmt_cpu_features()), computed once.
int rmt_vector_level(void);

/// x[r, :] ← softmax(x[r, :] + mask) for r in 0..<rows, in place.
/// x: (rows, cols); mask: (cols) or NULL.
int rmt_softmax_rows(int level, float *x, const float *mask, long rows, long cols);

/// out[i] = 0.5·x·(1 + erf(x/√2)) for i in 0..<count; out may alias inp.
int rmt_gelu_forward(int level, float *out, const float *inp, long count);

/// dinp[i] += dout[i] · gelu′(inp[i]) for i in 0..<count; dinp must not alias dout.
int rmt_gelu_backward(int level, float *dinp, const float *dout, const float *inp, long count);

/// Bias + GELU fused: pre[r, c] += bias[c]; act[r, c] = gelu(pre[r, c]).
/// act, pre: (rows, cols); bias: (cols). act must not alias pre.
int rmt_bias_gelu(int level, float *act, float *pre, const float *bias, long rows, long cols);

/// Residual + LayerNorm fused: res[r, c] += bias[c] + skip[r, c]; out[r, :] = (res[r, :] − mean)·rstd
/// · weight + ln_bias, with mean[r] and rstd[r] = 1/sqrt(var + eps) saved (either may be NULL).
/// out, res, skip: (rows, cols); bias, weight, ln_bias: (cols); mean, rstd: (rows). out must not
/// alias res or skip.
int rmt_residual_layernorm(int level, float *out, float *mean, float *rstd, float *res, const float *bias,
                           const float *skip, const float *weight, const float *ln_bias, long rows, long cols, float eps);

/// AdamW over count elements (the optimizer's flat loop, AdamW.update): m ← b1·m + (1 − b1)·g,
/// v ← b2·v + (1 − b2)·g·g, p ← p − lr·((m/c1) / (√(v/c2) + eps) + wd·p), c1 and c2 the bias
/// corrections. Bit-identical to that plain loop (no fused multiply-add). p, m, v: (count),
/// updated; g: (count). None may alias another.
int rmt_adamw_update(int level, float *p, const float *g, float *m, float *v, long count, float b1, float b2,
                     float c1, float c2, float eps, float lr, float wd);

/// *out = Σ x[i]² over count elements, each square and every sum in Double (the gradient norm);
/// the sum's order differs from a sequential loop, so the result may differ in the last bits.
int rmt_sum_squares(int level, const float *x, long count, double *out);

#ifdef __cplusplus
}
#endif

#endif
