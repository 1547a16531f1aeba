// rmt_vector.c — run-time dispatch between the AVX-512 and AVX2 builds of the kernels in
// rmt_vector_body.h, plus the scalar functions their tails use and the Double-lane sum of
// squares (the gradient norm). See rmt_vector.h.
#include "rmt_vector.h"
#include "rmt_cpu.h"

#include <stdint.h>
#include <string.h>

// Scalar twins of the vector math (same constants), for row tails.
static inline __attribute__((unused)) float bits_to_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline __attribute__((unused)) uint32_t float_to_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static inline __attribute__((unused)) float scalar_exp(float x) {
    const float lowest = -87.336544f;
    float v = x < lowest ? lowest : x;
    v = v > 88.0f ? 88.0f : v;
    float shifted = v * 1.4426950408889634f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = v - n * 0.693359375f;
    r = r + n * 2.1219444005469058e-4f;
    float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    float scale = bits_to_float((float_to_bits(shifted) - 0x4B400000u + 127u) << 23);
    return x < lowest ? 0.0f : p * scale;
}

static inline __attribute__((unused)) float scalar_erf_magnitude(float x, float *gauss) {
    float a = x < 0 ? -x : x;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    *gauss = scalar_exp(-(a * a));
    return 1.0f - p * t * *gauss;
}

static inline __attribute__((unused)) float scalar_gelu(float x) {
    float g, e = scalar_erf_magnitude(x * 0.70710678118654752f, &g);
    if (x < 0) e = -e;
    return 0.5f * x * (1.0f + e);
}

static inline __attribute__((unused)) float scalar_gelu_derivative(float x) {
    float g, e = scalar_erf_magnitude(x * 0.70710678118654752f, &g);
    if (x < 0) e = -e;
    return 0.5f * (1.0f + e) + x * g * 0.3989422804014327f;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// ---- AVX-512F: 16 lanes -------------------------------------------------------------------
#define SUFFIX _avx512
#define TARGET __attribute__((target("avx512f")))
#define VEC __m512
#define W 16
#define V_LOAD(p) _mm512_loadu_ps(p)
#define V_STORE(p, v) _mm512_storeu_ps(p, v)
#define V_SET1(x) _mm512_set1_ps(x)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_SUB(a, b) _mm512_sub_ps(a, b)
#define V_MUL(a, b) _mm512_mul_ps(a, b)
#define V_DIV(a, b) _mm512_div_ps(a, b)
#define V_SQRT(a) _mm512_sqrt_ps(a)
#define V_MAX(a, b) _mm512_max_ps(a, b)
#define V_MIN(a, b) _mm512_min_ps(a, b)
#define V_FMADD(a, b, c) _mm512_fmadd_ps(a, b, c)
#define V_FNMADD(a, b, c) _mm512_fnmadd_ps(a, b, c)
#define V_HMAX(v) _mm512_reduce_max_ps(v)
#define V_HSUM(v) _mm512_reduce_add_ps(v)
#define V_ABS(v) _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7FFFFFFF)))
#define V_COPYSIGN(mag, s) _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag), \
    _mm512_and_si512(_mm512_castps_si512(s), _mm512_set1_epi32((int)0x80000000u))))
#define V_POW2_FROM_SHIFTED(s) _mm512_castsi512_ps(_mm512_slli_epi32( \
    _mm512_sub_epi32(_mm512_castps_si512(s), _mm512_set1_epi32(0x4B400000 - 127)), 23))
#define V_ZERO_WHERE_LESS(v, x, lo) _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, lo, _CMP_NLT_UQ), v)
#include "rmt_vector_body.h"
#undef SUFFIX
#undef TARGET
#undef VEC
#undef W
#undef V_LOAD
#undef V_STORE
#undef V_SET1
#undef V_ADD
#undef V_SUB
#undef V_MUL
#undef V_DIV
#undef V_SQRT
#undef V_MAX
#undef V_MIN
#undef V_FMADD
#undef V_FNMADD
#undef V_HMAX
#undef V_HSUM
#undef V_ABS
#undef V_COPYSIGN
#undef V_POW2_FROM_SHIFTED
#undef V_ZERO_WHERE_LESS

// ---- AVX2 + FMA: 8 lanes ------------------------------------------------------------------
#define SUFFIX _avx2
#define TARGET __attribute__((target("avx2,fma")))
#define VEC __m256
#define W 8
#define V_LOAD(p) _mm256_loadu_ps(p)
#define V_STORE(p, v) _mm256_storeu_ps(p, v)
#define V_SET1(x) _mm256_set1_ps(x)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_DIV(a, b) _mm256_div_ps(a, b)
#define V_SQRT(a) _mm256_sqrt_ps(a)
#define V_MAX(a, b) _mm256_max_ps(a, b)
#define V_MIN(a, b) _mm256_min_ps(a, b)
#define V_FMADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_FNMADD(a, b, c) _mm256_fnmadd_ps(a, b, c)
#define V_HMAX(v) hmax_avx2(v)
#define V_HSUM(v) hsum_avx2(v)
#define V_ABS(v) _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF)))
#define V_COPYSIGN(mag, s) _mm256_or_ps(mag, _mm256_and_ps(s, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u))))
#define V_POW2_FROM_SHIFTED(s) _mm256_castsi256_ps(_mm256_slli_epi32( \
    _mm256_sub_epi32(_mm256_castps_si256(s), _mm256_set1_epi32(0x4B400000 - 127)), 23))
#define V_ZERO_WHERE_LESS(v, x, lo) _mm256_andnot_ps(_mm256_cmp_ps(x, lo, _CMP_LT_OQ), v)
static inline __attribute__((target("avx2,fma"), always_inline)) float hmax_avx2(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}
static inline __attribute__((target("avx2,fma"), always_inline)) float hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#include "rmt_vector_body.h"

// Σ x[i]² in Double lanes (a float's square is exact in a double, so only the sums round):
// 16 floats widened to two 8-lane Double accumulators (AVX-512), 8 to two 4-lane ones (AVX2).
static __attribute__((target("avx512f"))) double sum_squares_avx512(const float *x, long n) {
    __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = _mm512_loadu_ps(x + i);
        const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(v));
        const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
        a0 = _mm512_fmadd_pd(lo, lo, a0);
        a1 = _mm512_fmadd_pd(hi, hi, a1);
    }
    double s = _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
    for (; i < n; i++) s += (double)x[i] * (double)x[i];
    return s;
}
static __attribute__((target("avx2,fma"))) double sum_squares_avx2(const float *x, long n) {
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
        const __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        a0 = _mm256_fmadd_pd(lo, lo, a0);
        a1 = _mm256_fmadd_pd(hi, hi, a1);
    }
    const __m256d s4 = _mm256_add_pd(a0, a1);
    __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
    s2 = _mm_add_sd(s2, _mm_unpackhi_pd(s2, s2));
    double s = _mm_cvtsd_f64(s2);
    for (; i < n; i++) s += (double)x[i] * (double)x[i];
    return s;
}

// The level follows the one feature detection of rmt_cpu.c: AVX-512 F/BW/VL with the ZMM
// state saved by the OS, else AVX2 + FMA with the YMM state, else none.
static int detect_level(void) {
    const unsigned f = rmt_cpu_features();
    if (f & RMT_CPU_AVX512) return RMT_VECTOR_AVX512;
    if (f & RMT_CPU_AVX2_FMA) return RMT_VECTOR_AVX2;
    return RMT_VECTOR_NONE;
}

int rmt_vector_level(void) {
    static int level = -1;  // benign race: every thread computes the same value
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l < 0) { l = detect_level(); __atomic_store_n(&level, l, __ATOMIC_RELAXED); }
    return l;
}

#define DISPATCH(name, ...)                                                          \
    if (level > rmt_vector_level() || level <= RMT_VECTOR_NONE) return 0;           \
    if (level == RMT_VECTOR_AVX512) name##_avx512(__VA_ARGS__); else name##_avx2(__VA_ARGS__); \
    return 1;

int rmt_softmax_rows(int level, float *x, const float *mask, long rows, long cols) {
    DISPATCH(softmax_rows, x, mask, rows, cols)
}
int rmt_gelu_forward(int level, float *out, const float *inp, long count) {
    DISPATCH(gelu_forward, out, inp, count)
}
int rmt_gelu_backward(int level, float *dinp, const float *dout, const float *inp, long count) {
    DISPATCH(gelu_backward, dinp, dout, inp, count)
}
int rmt_bias_gelu(int level, float *act, float *pre, const float *bias, long rows, long cols) {
    DISPATCH(bias_gelu, act, pre, bias, rows, cols)
}
int rmt_residual_layernorm(int level, float *out, float *mean, float *rstd, float *res, const float *bias,
                           const float *skip, const float *weight, const float *ln_bias, long rows, long cols, float eps) {
    DISPATCH(residual_layernorm, out, mean, rstd, res, bias, skip, weight, ln_bias, rows, cols, eps)
}

int rmt_adamw_update(int level, float *p, const float *g, float *m, float *v, long count, float b1, float b2,
                     float c1, float c2, float eps, float lr, float wd) {
    DISPATCH(adamw_update, p, g, m, v, count, b1, b2, c1, c2, eps, lr, wd)
}
int rmt_sum_squares(int level, const float *x, long count, double *out) {
    if (level > rmt_vector_level() || level <= RMT_VECTOR_NONE) return 0;
    *out = level == RMT_VECTOR_AVX512 ? sum_squares_avx512(x, count) : sum_squares_avx2(x, count);
    return 1;
}

#else  // not x86-64: no wide kernels; RMTKernels uses its Swift ones.
int rmt_vector_level(void) { return RMT_VECTOR_NONE; }
int rmt_softmax_rows(int level, float *x, const float *mask, long rows, long cols) {
    (void)level; (void)x; (void)mask; (void)rows; (void)cols; return 0;
}
int rmt_gelu_forward(int level, float *out, const float *inp, long count) {
    (void)level; (void)out; (void)inp; (void)count; return 0;
}
int rmt_gelu_backward(int level, float *dinp, const float *dout, const float *inp, long count) {
    (void)level; (void)dinp; (void)dout; (void)inp; (void)count; return 0;
}
int rmt_bias_gelu(int level, float *act, float *pre, const float *bias, long rows, long cols) {
    (void)level; (void)act; (void)pre; (void)bias; (void)rows; (void)cols; return 0;
}
int rmt_residual_layernorm(int level, float *out, float *mean, float *rstd, float *res, const float *bias,
                           const float *skip, const float *weight, const float *ln_bias, long rows, long cols, float eps) {
    (void)level; (void)out; (void)mean; (void)rstd; (void)res; (void)bias; (void)skip; (void)weight; (void)ln_bias;
    (void)rows; (void)cols; (void)eps; return 0;
}
int rmt_adamw_update(int level, float *p, const float *g, float *m, float *v, long count, float b1, float b2,
                     float c1, float c2, float eps, float lr, float wd) {
    (void)level; (void)p; (void)g; (void)m; (void)v; (void)count; (void)b1; (void)b2; (void)c1; (void)c2;
    (void)eps; (void)lr; (void)wd; return 0;
}
int rmt_sum_squares(int level, const float *x, long count, double *out) {
    (void)level; (void)x; (void)count; (void)out; return 0;
}
#endif
