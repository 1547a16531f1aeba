// kernel_check.c — runs the AVX512-BF16 and AMX-BF16 kernels' C source (rmt_gemm_bf16_body.h, with
// the AVX-512 build of rmt_gemm_body.h for the tile prologue/epilogues and rmt_gemm.c's transpose8)
// on the scalar intrinsics of intrinsics.h, against the plain-loop twin rmt_gemm_bf16_twin, over
// 432 cases each: shapes off the 12 × 32 tile and the 512 / 192 / 768 blocks, odd k, k = 1 and 2, the four
// transpositions, strided views, B as fp32 or bf16 bits, three alpha/beta pairs; pack buffers
// filled with garbage first. Built and run by Scripts/emulate-bf16-kernel.sh; exit 1 on a mismatch.
// The AVX-512 tile and blocks come from rmt_gemm_avx512_blocks.h, the header the real build includes.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include "intrinsics.h"
#include "transpose8.inc"
#define PACK_SLACK 8
static void rmt_softmax_rows(int level, float *p, const float *mask, long rows, long cols) { (void)level; (void)p; (void)mask; (void)rows; (void)cols; }
#define SUFFIX _avx512
#define TARGET
#define VEC __m512
#define W 16
#include "rmt_gemm_avx512_blocks.h"  // the real build's tile and blocks
#define G_ZERO() ((__m512){0})
static inline __m512 ld(const float *p) { __m512 v; memcpy(&v, p, 64); return v; }
static inline void st(float *p, __m512 v) { memcpy(p, &v, 64); }
static inline __m512 fma16(__m512 a, __m512 b, __m512 c) { for (int i = 0; i < 16; i++) c[i] = fmaf(a[i], b[i], c[i]); return c; }
#define G_LOAD(p) ld(p)
#define G_LOADU(p) ld(p)
#define G_STORE(p, v) st(p, v)
#define G_STOREU(p, v) st(p, v)
#define G_SET1(x) ((__m512){0} + (x))
#define G_MUL(a, b) ((a) * (b))
#define G_FMADD(a, b, c) fma16(a, b, c)
#include "gemm_body.h"
#include "bf16_body.h"

static unsigned long long rng = 88172645463325252ull;
static float rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (float)((double)(rng >> 11) / 9007199254740992.0 * 2 - 1); }

int main(void) {
    long shapes[][3] = {{1,1,1},{1,1,2},{3,5,1},{5,7,2},{12,32,64},{13,33,65},{11,31,7},{25,70,129},{24,64,16},{37,64,512},
                        {40,50,513},{7,100,1031},{200,40,96},{30,800,40},{12,32,1},{193,33,3},{1,769,5},{13,1,1025}};
    int nshapes = sizeof shapes / sizeof shapes[0], fails = 0, cases = 0; double worst = 0;
    size_t pa_n = (size_t)BF_MC * BF_KW + PACK_SLACK + (size_t)BF_NR * BF_KW + PACK_SLACK;
    size_t pb_n = (size_t)BF_KW * ((BF_NC + BF_NR - 1) / BF_NR * BF_NR) + PACK_SLACK;
    uint32_t *pa = aligned_alloc(64, (pa_n * 4 + 63) / 64 * 64), *pb = aligned_alloc(64, (pb_n * 4 + 63) / 64 * 64);
    uint32_t *tmp = pa + (size_t)BF_MC * BF_KW + PACK_SLACK;
    for (int amx = 0; amx < 2; amx++)
    for (int s = 0; s < nshapes; s++) for (int t = 0; t < 4; t++) for (int bf = 0; bf < 2; bf++) for (int ab = 0; ab < 3; ab++) {
        long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2]; int ta = t & 1, tb = t >> 1;
        float alpha = ab == 0 ? 1 : ab == 1 ? 0.5f : -2, beta = ab == 0 ? 0 : ab == 1 ? -0.75f : 1;
        long pad = (s + t) % 3 == 0 ? 0 : 3;
        long lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        long an = (ta ? k : m) * lda, bn = (tb ? n : k) * ldb;
        float *a = malloc(an * 4), *b = malloc(bn * 4), *c0 = malloc(m * ldc * 4), *c1 = malloc(m * ldc * 4);
        uint16_t *b16 = malloc(bn * 2);
        for (long i = 0; i < an; i++) a[i] = rnd();
        for (long i = 0; i < bn; i++) { b[i] = rnd(); b16[i] = rmt_bf16_from_float(b[i]); }
        for (long i = 0; i < m * ldc; i++) c0[i] = c1[i] = beta == 0 ? NAN : rnd();
        memset(pa, 0xAB, pa_n * 4); memset(pb, 0xCD, pb_n * 4);  // garbage: packing must write what is read
        rmt_gemm_bf16_twin(ta, tb, m, n, k, alpha, a, lda, bf ? NULL : b, bf ? b16 : NULL, ldb, beta, c0, ldc);
        gemm_bf16_avx512(amx, ta, tb, m, n, k, alpha, a, lda, bf ? NULL : b, bf ? b16 : NULL, ldb, beta, c1, ldc, pa, pb, tmp);
        int bad = 0;
        for (long i = 0; i < m; i++) for (long j = 0; j < ldc; j++) {
            float x = c0[i * ldc + j], y = c1[i * ldc + j];
            if (j >= n) { if (memcmp(&x, &y, 4)) bad++; continue; }
            double mag = 0; for (long p = 0; p < k; p++) mag += fabs((double)(ta ? a[p*lda+i] : a[i*lda+p]) * (tb ? b[j*ldb+p] : b[p*ldb+j]));
            mag = fabs(alpha) * mag + (beta == 0 ? 0 : fabs(beta * 2));
            double e = fabs((double)x - y), tol = 2.0 * (k + 3) * ldexp(1, -24) * mag + 1e-30;
            if (!(e <= tol)) { if (bad < 3) printf("  (%ld,%ld) twin %g kernel %g\n", i, j, x, y); bad++; }
            if (mag > 0 && e / mag > worst) worst = e / mag;
        }
        cases++;
        if (bad) { fails++; printf("FAIL %s m%ld n%ld k%ld ta%d tb%d bf16B%d alpha%g beta%g pad%ld: %d bad\n", amx ? "amx" : "avx512", m, n, k, ta, tb, bf, alpha, beta, pad, bad); }
        free(a); free(b); free(c0); free(c1); free(b16);
    }
    printf("%d cases (avx512 and amx), %d failed, worst error / magnitude %.3g\n", cases, fails, worst);
    return fails != 0;
}
