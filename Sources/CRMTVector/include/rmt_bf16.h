// rmt_bf16.h — bf16 inference GEMM: C = alpha·op(A)·op(B) + beta·C with A and B rounded to bf16
// (round to nearest even, as VCVTNE2PS2BF16) and the products summed in fp32, two k per step
// (as VDPBF16PS). The kernels:
//   RMT_BF16_TWIN    the plain-loop twin (rmt_bf16.c): every CPU; the tests' reference for the
//                    SIMD kernels, itself held against a Double sum of the same bf16 values;
//   RMT_BF16_AVX512  AVX512-BF16 micro-kernel (rmt_gemm_bf16_body.h, 12×32 tile of vdpbf16ps),
//                    operands packed as k-pairs of bf16 (odd k padded with zero), converted
//                    while packing (vcvtne2ps2bf16);
//   RMT_BF16_AMX     AMX-BF16 tiles (tdpbf16ps, 32×32 micro-tile of four 16×16 tiles), the same
//                    packing and blocking; needs AVX512-BF16 too, and Linux's permission for the
//                    tile data (rmt_cpu_request_amx, asked on first use).
// B may be fp32 (rounded while packing, every call) or already bf16 (a weight converted once with
// rmt_bf16_convert: packing only copies it), in either orientation. Same operand, transposition
// and stride conventions as rmt_sgemm (rmt_gemm.h).
#ifndef RMT_BF16_H
#define RMT_BF16_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The bf16 GEMM kernels (rmt_gemm_bf16's `kernel`).
enum {
    RMT_BF16_TWIN = 0,    ///< plain loops, every CPU (reference; slow)
    RMT_BF16_AVX512 = 1,  ///< AVX512-BF16 (vdpbf16ps), where rmt_cpu_features() has RMT_CPU_AVX512_BF16
    RMT_BF16_AMX = 2,     ///< AMX-BF16 (tdpbf16ps), with RMT_CPU_AMX_BF16 + RMT_CPU_AVX512_BF16 and the OS's permission
};

/// fp32 → bf16 bits, as VCVTNE2PS2BF16 does: round to nearest, ties to even; NaN stays NaN
/// (quieted: mantissa bit 6 set, sign and top payload kept); ±inf stays ±inf; values that round
/// past the largest bf16 become ±inf; fp32 denormals become a zero of their sign (the
/// instruction treats denormal inputs as zero).
uint16_t rmt_bf16_from_float(float x);

/// bf16 bits → fp32 (exact: the bf16 bits are the top half of the fp32).
float rmt_bf16_to_float(uint16_t h);

/// dst[i] = rmt_bf16_from_float(src[i]) for i < count (a weight converted once).
void rmt_bf16_convert(uint16_t *dst, const float *src, size_t count);

/// 1 when `kernel` runs on this CPU and build (the twin always), else 0.
int rmt_bf16_kernel_available(int kernel);

/// Rows (MR) and columns (NR) of `kernel`'s micro-tile (1 × 1 for the twin; 0 when unavailable):
/// callers that split C keep slices a multiple of these.
int rmt_bf16_tile_rows(int kernel);
int rmt_bf16_tile_cols(int kernel);

/// Row-major C[m,n] = alpha·op(A)·op(B) + beta·C over bf16-rounded A and B, fp32 sums.
/// op(A) is m×k, stored (trans_a ? k×m : m×k), leading dimension lda (fp32, rounded here).
/// op(B) is k×n, stored (trans_b ? n×k : k×n), leading dimension ldb: exactly one of `b` (fp32,
/// rounded here) and `b16` (bf16 bits, used as they are) is non-NULL. beta = 0 does not read C.
/// Returns 1 when computed; 0 (C untouched) when `kernel` is not available, both or neither B
/// pointer is given, or the pack buffers could not be allocated.
int rmt_gemm_bf16(int kernel, int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, const uint16_t *b16, long ldb,
                  float beta, float *c, long ldc);

/// The twin behind RMT_BF16_TWIN (rmt_gemm_bf16 checks its arguments and handles m, n ≤ 0,
/// k ≤ 0 and alpha = 0 first). Per element of C: acc = 0; for each k-pair (2p, 2p+1), with a
/// missing odd element as 0, acc += a[2p+1]·b[2p+1] then acc += a[2p]·b[2p] (Intel's VDPBF16PS
/// pseudocode order; the bf16 products are exact in fp32; denormal bf16 inputs read as zero and
/// denormal sums are flushed to zero, as the instruction does); then C = alpha·acc (+ beta·C).
void rmt_gemm_bf16_twin(int trans_a, int trans_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, const uint16_t *b16, long ldb,
                        float beta, float *c, long ldc);

#ifdef __cplusplus
}
#endif

#endif
