// rmt_bf16.c — bf16 rounding (rmt_bf16_from_float / _to_float / _convert) and the plain-loop
// twin of the bf16 GEMM (rmt_gemm_bf16_twin). Portable C, no SIMD: it runs on every CPU, so the
// tests of the rounding and of the twin run everywhere. See rmt_bf16.h.
#include "rmt_bf16.h"

#include <string.h>

static uint32_t bits_of(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static float float_of(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

uint16_t rmt_bf16_from_float(float x) {
    uint32_t u = bits_of(x);
    if ((u & 0x7f800000u) == 0) return (uint16_t)((u >> 16) & 0x8000u);                  // ±0, denormal → ±0
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x0040u);         // NaN, quieted
    u += 0x7fffu + ((u >> 16) & 1u);  // ties to even; carries into the exponent (up to ±inf)
    return (uint16_t)(u >> 16);
}

float rmt_bf16_to_float(uint16_t h) { return float_of((uint32_t)h << 16); }

void rmt_bf16_convert(uint16_t *dst, const float *src, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = rmt_bf16_from_float(src[i]);
}

// A bf16 operand as VDPBF16PS reads it: denormals as zero of their sign.
static float daz(uint16_t h) { return rmt_bf16_to_float((h & 0x7f80u) == 0 ? (uint16_t)(h & 0x8000u) : h); }

// A sum as VDPBF16PS writes it: denormals flushed to zero of their sign.
static float ftz(float x) {
    const uint32_t u = bits_of(x);
    return (u & 0x7f800000u) == 0 ? float_of(u & 0x80000000u) : x;
}

void rmt_gemm_bf16_twin(int trans_a, int trans_b, long m, long n, long k, float alpha,
                        const float *a, long lda, const float *b, const uint16_t *b16, long ldb,
                        float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float acc = 0.0f;
            for (long p = 0; p < k; p += 2) {
                float av[2] = {0.0f, 0.0f}, bv[2] = {0.0f, 0.0f};  // [even k, odd k]; past k: 0
                for (long e = 0; e < 2 && p + e < k; e++) {
                    const long q = p + e;
                    av[e] = daz(rmt_bf16_from_float(trans_a ? a[q * lda + i] : a[i * lda + q]));
                    const long at = trans_b ? j * ldb + q : q * ldb + j;
                    bv[e] = daz(b16 ? b16[at] : rmt_bf16_from_float(b[at]));
                }
                acc = ftz(acc + av[1] * bv[1]);  // odd product first, as VDPBF16PS
                acc = ftz(acc + av[0] * bv[0]);
            }
            float *cij = c + i * ldc + j;
            *cij = beta == 0.0f ? alpha * acc : alpha * acc + beta * *cij;
        }
    }
}
