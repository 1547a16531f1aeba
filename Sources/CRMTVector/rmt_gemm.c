// rmt_gemm.c — the AVX2 + FMA and AVX-512 builds of rmt_gemm_body.h, the AVX512-BF16 and AMX-BF16
// kernels (rmt_gemm_bf16_body.h), the per-thread pack buffers, and the dispatch of rmt_sgemm and
// rmt_gemm_bf16. See rmt_gemm.h and rmt_bf16.h.
#include "rmt_gemm.h"
#include "rmt_bf16.h"
#include "rmt_cpu.h"
#include "rmt_vector.h"

#include <stdlib.h>
#include <string.h>

// C = beta·C over m×n (k = 0, or alpha = 0): beta = 0 writes zeros without reading C.
static void scale_c(long m, long n, float beta, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *row = c + i * ldc;
        if (beta == 0.0f) {
            for (long j = 0; j < n; j++) row[j] = 0.0f;
        } else if (beta != 1.0f) {
            for (long j = 0; j < n; j++) row[j] *= beta;
        }
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <pthread.h>

// dst[q·ds + r] = src[r·ld + q] for r < 8, q < 8: an 8×8 transpose in registers, for packing
// operands whose k runs along their rows. Rows past `rows` read row 0 again (their lanes land
// in columns the caller overwrites or ignores). Stores go in order q = 0…7, each 8 floats
// wide: when ds < 8 each store's tail is overwritten by the next, and the last one reaches
// 8 − ds floats past row 7 (the pack buffers keep that slack). AVX2 code, inlined into the
// AVX-512 build too (AVX-512F implies AVX2).
static inline __attribute__((target("avx2,fma"), always_inline)) void transpose8(float *dst, long ds, const float *src,
                                                                                long ld, long rows) {
    __m256 r[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + (i < rows ? i : 0) * ld);
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst + 0 * ds, _mm256_permute2f128_ps(s0, s4, 0x20));
    _mm256_storeu_ps(dst + 1 * ds, _mm256_permute2f128_ps(s1, s5, 0x20));
    _mm256_storeu_ps(dst + 2 * ds, _mm256_permute2f128_ps(s2, s6, 0x20));
    _mm256_storeu_ps(dst + 3 * ds, _mm256_permute2f128_ps(s3, s7, 0x20));
    _mm256_storeu_ps(dst + 4 * ds, _mm256_permute2f128_ps(s0, s4, 0x31));
    _mm256_storeu_ps(dst + 5 * ds, _mm256_permute2f128_ps(s1, s5, 0x31));
    _mm256_storeu_ps(dst + 6 * ds, _mm256_permute2f128_ps(s2, s6, 0x31));
    _mm256_storeu_ps(dst + 7 * ds, _mm256_permute2f128_ps(s3, s7, 0x31));
}

// Floats of slack after each pack buffer, for transpose8's last store.
#define PACK_SLACK 8

// ---- AVX-512 F/BW/VL: 12 × 32 tile; MR/MC/KC/NC in rmt_gemm_avx512_blocks.h ------------------
#define SUFFIX _avx512
#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,fma")))
#define VEC __m512
#define W 16
#include "rmt_gemm_avx512_blocks.h"
#define G_ZERO() _mm512_setzero_ps()
#define G_LOAD(p) _mm512_load_ps(p)
#define G_LOADU(p) _mm512_loadu_ps(p)
#define G_STORE(p, v) _mm512_store_ps(p, v)
#define G_STOREU(p, v) _mm512_storeu_ps(p, v)
#define G_SET1(x) _mm512_set1_ps(x)
#define G_MUL(a, b) _mm512_mul_ps(a, b)
#define G_FMADD(a, b, c) _mm512_fmadd_ps(a, b, c)
#include "rmt_gemm_body.h"
enum { MR_AVX512 = MR, NR_AVX512 = 2 * W, MC_AVX512 = MC, KC_AVX512 = KC, NC_AVX512 = NC };
#include "rmt_gemm_bf16_body.h"  // the bf16 kernel: this build's tile epilogue, 12 × 32 tile
enum { MR_BF16 = MR, NR_BF16 = BF_NR, MC_BF16 = BF_MC, KW_BF16 = BF_KW, NC_BF16 = BF_NC, MR_AMX = AMX_MR };
#undef SUFFIX
#undef TARGET
#undef VEC
#undef W
#undef MR
#undef MC
#undef KC
#undef NC
#undef G_ZERO
#undef G_LOAD
#undef G_LOADU
#undef G_STORE
#undef G_STOREU
#undef G_SET1
#undef G_MUL
#undef G_FMADD

// ---- AVX2 + FMA: 6 × 16 tile (12 of the 16 YMM registers accumulate) ----------------------
// Block sizes for a 512 KiB L2 and 32 KiB L1 (Haswell … Zen 3), measured on a Zen 3 against
// 144/256/3072 and others: B panel (KC·16·4 = 24 KiB) in L1, A block (MC·KC·4 = 144 KiB) in
// L2, B block (KC·NC·4 = 1.1 MiB) in L3; NC = 768 rather than 3072 gained ~8% at N ≥ 2304.
#define SUFFIX _avx2
#define TARGET __attribute__((target("avx2,fma")))
#define VEC __m256
#define W 8
#define MR 6
#define MC 96
#define KC 384
#define NC 768
#define G_ZERO() _mm256_setzero_ps()
#define G_LOAD(p) _mm256_load_ps(p)
#define G_LOADU(p) _mm256_loadu_ps(p)
#define G_STORE(p, v) _mm256_store_ps(p, v)
#define G_STOREU(p, v) _mm256_storeu_ps(p, v)
#define G_SET1(x) _mm256_set1_ps(x)
#define G_MUL(a, b) _mm256_mul_ps(a, b)
#define G_FMADD(a, b, c) _mm256_fmadd_ps(a, b, c)
#include "rmt_gemm_body.h"
enum { MR_AVX2 = MR, NR_AVX2 = 2 * W, MC_AVX2 = MC, KC_AVX2 = KC, NC_AVX2 = NC };

// ---- Per-thread pack buffers --------------------------------------------------------------
// One pair per thread, sized for the largest call the thread has made (never more than
// MC·KC and KC·NC floats), 64-byte aligned, freed by the key's destructor at thread exit;
// plus `r`, the thread's reduction buffer (rmt_thread_reduction_buffer).
typedef struct {
    float *a, *b, *r;
    size_t a_count, b_count, r_count;
} scratch_t;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *p) {
    scratch_t *s = p;
    free(s->a);
    free(s->b);
    free(s->r);
    free(s);
}

static void scratch_init(void) { scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

static int grow(float **buf, size_t *have, size_t need) {
    if (*have >= need) return 1;
    size_t bytes = (need * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes);
    if (!p) return 0;
    free(*buf);
    *buf = p;
    *have = need;
    return 1;
}

// Buffers of at least a_need and b_need floats for this thread, or NULL when out of memory.
// rmt_sgemm asks for its full block sizes whatever the product, so a thread's buffers reach
// their size on its first product and first attention head, and never grow again while the
// shapes stay (which thread runs which slice is decided at run time: sizing by the slice
// would let a buffer grow — allocate — in the middle of a steady stream of segments).
static scratch_t *scratch_get(size_t a_need, size_t b_need) {
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_key_ok) return NULL;
    scratch_t *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || pthread_setspecific(scratch_key, s) != 0) { free(s); return NULL; }
    }
    if (!grow(&s->a, &s->a_count, a_need + PACK_SLACK) || !grow(&s->b, &s->b_count, b_need + PACK_SLACK)) return NULL;
    return s;
}

float *rmt_thread_reduction_buffer(size_t count) {
    scratch_t *s = scratch_get(0, 0);
    return s && grow(&s->r, &s->r_count, count) ? s->r : NULL;
}

static long round_up(long x, long to) { return (x + to - 1) / to * to; }

int rmt_gemm_tile_rows(int level) {
    if (level > rmt_vector_level()) return 0;
    return level == RMT_VECTOR_AVX512 ? MR_AVX512 : level == RMT_VECTOR_AVX2 ? MR_AVX2 : 0;
}

int rmt_gemm_tile_cols(int level) {
    if (level > rmt_vector_level()) return 0;
    return level == RMT_VECTOR_AVX512 ? NR_AVX512 : level == RMT_VECTOR_AVX2 ? NR_AVX2 : 0;
}

int rmt_sgemm(int level, int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    if (level <= RMT_VECTOR_NONE || level > rmt_vector_level()) return 0;
    if (m <= 0 || n <= 0) return 1;
    if (k <= 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 1; }
    if (level == RMT_VECTOR_AVX512) {
        scratch_t *s = scratch_get((size_t)MC_AVX512 * KC_AVX512, (size_t)KC_AVX512 * round_up(NC_AVX512, NR_AVX512));
        if (!s) return 0;
        sgemm_avx512(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s->a, s->b);
    } else {
        scratch_t *s = scratch_get((size_t)MC_AVX2 * KC_AVX2, (size_t)KC_AVX2 * round_up(NC_AVX2, NR_AVX2));
        if (!s) return 0;
        sgemm_avx2(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, s->a, s->b);
    }
    return 1;
}

int rmt_bf16_kernel_available(int kernel) {
    const unsigned f = rmt_cpu_features();
    if (kernel == RMT_BF16_TWIN) return 1;
    if (!(f & RMT_CPU_AVX512_BF16)) return 0;  // both SIMD kernels pack with vcvtne2ps2bf16
    if (kernel == RMT_BF16_AVX512) return 1;
    return kernel == RMT_BF16_AMX && (f & RMT_CPU_AMX_BF16) && rmt_cpu_request_amx();
}

int rmt_bf16_tile_rows(int kernel) {
    if (!rmt_bf16_kernel_available(kernel)) return 0;
    return kernel == RMT_BF16_AVX512 ? MR_BF16 : kernel == RMT_BF16_AMX ? MR_AMX : 1;
}

int rmt_bf16_tile_cols(int kernel) {
    if (!rmt_bf16_kernel_available(kernel)) return 0;
    return kernel == RMT_BF16_TWIN ? 1 : NR_BF16;
}

int rmt_gemm_bf16(int kernel, int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, const uint16_t *b16, long ldb,
                  float beta, float *c, long ldc) {
    if (!rmt_bf16_kernel_available(kernel) || (b == NULL) == (b16 == NULL)) return 0;
    if (m <= 0 || n <= 0) return 1;
    if (k <= 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 1; }
    if (kernel == RMT_BF16_TWIN) {
        rmt_gemm_bf16_twin(trans_a, trans_b, m, n, k, alpha, a, lda, b, b16, ldb, beta, c, ldc);
        return 1;
    }
    // Words (fp32-sized): A block and the strip buffer in `a`, B block in `b`.
    scratch_t *s = scratch_get((size_t)MC_BF16 * KW_BF16 + (size_t)NR_BF16 * KW_BF16,
                               (size_t)KW_BF16 * round_up(NC_BF16, NR_BF16));
    if (!s) return 0;
    uint32_t *pa = (uint32_t *)s->a, *tmp = pa + (size_t)MC_BF16 * KW_BF16 + PACK_SLACK;
    gemm_bf16_avx512(kernel == RMT_BF16_AMX, trans_a, trans_b, m, n, k, alpha, a, lda, b, b16, ldb, beta, c, ldc, pa,
                     (uint32_t *)s->b, tmp);
    return 1;
}

// Query rows per block of the fused attention: the block's scores (rows × T) stay in L2
// (96 × 512 × 4 = 192 KiB) between the score GEMM, the softmax and P·V; a multiple of both MRs.
#define ATTENTION_BLOCK 96

int rmt_attention_head(int level, long R, long T, long d, float scale, const float *q, const float *k,
                       const float *v, long ld, const float *mask, float *probs, float *out, long ldo) {
    if (level <= RMT_VECTOR_NONE || level > rmt_vector_level()) return 0;
    if (R <= 0) return 1;
    if (T <= 0 || d <= 0) return 0;
    const long nr = level == RMT_VECTOR_AVX512 ? NR_AVX512 : NR_AVX2;
    const long mr = level == RMT_VECTOR_AVX512 ? MR_AVX512 : MR_AVX2;
    const long block = R < ATTENTION_BLOCK ? R : ATTENTION_BLOCK;
    // One aligned buffer in three slices: packed Kᵀ, packed V, the packed A block.
    const size_t kn = (size_t)d * round_up(T, nr) + PACK_SLACK, vn = (size_t)T * round_up(d, nr) + PACK_SLACK;
    const size_t an = (size_t)round_up(block, mr) * (size_t)d;
    const size_t k16 = (kn + 15) / 16 * 16, v16 = (vn + 15) / 16 * 16;
    scratch_t *s = scratch_get(k16 + v16 + an, 0);
    if (!s) return 0;
    float *pk = s->a, *pv = s->a + k16, *pa = s->a + k16 + v16;
    if (level == RMT_VECTOR_AVX512)
        attention_head_avx512(R, T, d, scale, q, k, v, ld, mask, probs, out, ldo, block, level, pk, pv, pa);
    else
        attention_head_avx2(R, T, d, scale, q, k, v, ld, mask, probs, out, ldo, block, level, pk, pv, pa);
    return 1;
}

#else  // not x86-64: no own kernels; RMTKernels calls OpenBLAS (and the bf16 twin alone runs).
int rmt_bf16_kernel_available(int kernel) { return kernel == RMT_BF16_TWIN; }
int rmt_bf16_tile_rows(int kernel) { return kernel == RMT_BF16_TWIN; }
int rmt_bf16_tile_cols(int kernel) { return kernel == RMT_BF16_TWIN; }
int rmt_gemm_bf16(int kernel, int trans_a, int trans_b, long m, long n, long k, float alpha,
                  const float *a, long lda, const float *b, const uint16_t *b16, long ldb,
                  float beta, float *c, long ldc) {
    if (kernel != RMT_BF16_TWIN || (b == NULL) == (b16 == NULL)) return 0;
    if (m <= 0 || n <= 0) return 1;
    if (k <= 0 || alpha == 0.0f) { scale_c(m, n, beta, c, ldc); return 1; }
    rmt_gemm_bf16_twin(trans_a, trans_b, m, n, k, alpha, a, lda, b, b16, ldb, beta, c, ldc);
    return 1;
}
float *rmt_thread_reduction_buffer(size_t count) { (void)count; return 0; }
int rmt_gemm_tile_rows(int level) { (void)level; return 0; }
int rmt_gemm_tile_cols(int level) { (void)level; return 0; }
int rmt_sgemm(int level, int trans_a, int trans_b, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    (void)level; (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)alpha;
    (void)a; (void)lda; (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
    (void)scale_c;
    return 0;
}
int rmt_attention_head(int level, long R, long T, long d, float scale, const float *q, const float *k,
                       const float *v, long ld, const float *mask, float *probs, float *out, long ldo) {
    (void)level; (void)R; (void)T; (void)d; (void)scale; (void)q; (void)k; (void)v; (void)ld; (void)mask;
    (void)probs; (void)out; (void)ldo;
    return 0;
}
#endif
