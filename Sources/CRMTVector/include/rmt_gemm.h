// rmt_gemm.h — the project's own fp32 GEMM: packed, register-blocked micro-kernels for
// AVX2 + FMA (6×16 tile) and AVX-512 F/BW/VL (12×32 tile), in the BLIS / GotoBLAS scheme.
//
//   for each NC-column block of op(B):            (B block: KC × NC, in L3)
//     for each KC-deep slice of the product:      pack op(B) into NR-wide panels
//       for each MC-row block of op(A):           pack op(A) into MR-tall panels (in L2)
//         for each NR panel, each MR panel:       micro-kernel: MR×NR accumulators in registers,
//                                                 one rank-1 update per k (B panel stays in L1)
//
// Packing reads op(A) and op(B) through any leading dimension and either orientation, so
// transposed operands and strided views cost nothing extra. Pack buffers belong to the
// calling thread: allocated on its first call, grown at most a few times, freed when the
// thread exits — nothing is allocated per call once a thread has seen its largest shape.
// Each call runs on the calling thread only; RMTKernels splits large products over cores.
// The same kernel body (rmt_gemm_body.h) is compiled per instruction set with per-function
// target attributes, as rmt_vector.c does, so the package needs no unsafe flags.
#ifndef RMT_GEMM_H
#define RMT_GEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Row-major C[m,n] = alpha·op(A)·op(B) + beta·C, with op(X) = Xᵀ when trans_x is non-zero.
/// op(A) is m×k, stored (trans_a ? k×m : m×k) with leading dimension lda; op(B) is k×n,
/// stored (trans_b ? n×k : k×n) with leading dimension ldb. beta = 0 does not read C (NaN
/// there is overwritten), as in BLAS. `level` is an RMT_VECTOR_* level (rmt_vector.h).
/// Returns 1 when computed; 0 (C untouched) when the level is not one this CPU runs or has
/// no own kernel (RMT_VECTOR_NONE) — the caller then uses OpenBLAS.
int rmt_sgemm(int level, int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// Rows (MR) of the micro-tile at `level`; 0 where the level has no own kernel. Callers that
/// split C by rows keep slices a multiple of this.
int rmt_gemm_tile_rows(int level);

/// Columns (NR) of the micro-tile at `level`; 0 where the level has no own kernel.
int rmt_gemm_tile_cols(int level);

/// A buffer of at least `count` floats owned by the calling thread (64-byte aligned, grown when
/// asked for more, kept until the thread exits; contents undefined), valid until the thread's
/// next call: RMTKernels' row-chunk reductions (sumOverRowChunks), which run once per layer and
/// segment in training. NULL when out of memory or without the own kernels (not x86-64).
float *rmt_thread_reduction_buffer(size_t count);

/// One attention head, fused (forward): for the first R query rows,
///   probs[i, :] = softmax(scale · q_i · Kᵀ + mask),   out[i, :] = probs[i, :] · V,
/// over blocks of query rows whose scores stay in cache between the score product, the
/// softmax (rmt_softmax_rows) and P·V; Kᵀ and V are packed once per call.
/// q, k, v: (T, d) each, row stride ld (views into a packed [q | k | v] buffer); mask: (T) additive,
/// or NULL; probs: (R, T), stride T, overwritten; out: (R, d), row stride ldo, overwritten.
/// Returns 1 when computed, 0 (nothing written) when `level` has no own kernel on this CPU or
/// the pack buffer could not be had — the caller then runs GEMM + softmax + GEMM.
int rmt_attention_head(int level, long R, long T, long d, float scale, const float *q, const float *k,
                       const float *v, long ld, const float *mask, float *probs, float *out, long ldo);

#ifdef __cplusplus
}
#endif

#endif
