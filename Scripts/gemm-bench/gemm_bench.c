// gemm_bench.c — standalone harness for the project's C GEMM (Sources/CRMTVector): checks it
// against a double-precision loop at every vector level the CPU has, measures one core's FMA
// peak at the timed level (AVX2 or AVX-512), and times the own kernels against OpenBLAS sgemm
// single-threaded on the model's shapes, interleaved, medians of several rounds. The timed level
// is the CPU's best, or RMT_BENCH_LEVEL=1 (AVX2) / 2 (AVX-512). Build and run:
// Scripts/gemm-bench/run.sh (see there).
#include <cblas.h>
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rmt_cpu.h"
#include "rmt_gemm.h"
#include "rmt_vector.h"

extern void openblas_set_num_threads(int);
extern char *openblas_get_corename(void);

// Thread CPU time by default: on a shared, overloaded machine it counts only the time this
// thread ran, so GFLOP/s approximates an idle core's; RMT_BENCH_WALL=1 uses wall time.
static double now(void) {
    struct timespec t;
    clock_gettime(getenv("RMT_BENCH_WALL") ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

// The same with 16-lane AVX-512 FMAs (12 chains cover 2 ports × 4 cycles' latency and more).
__attribute__((target("avx512f"), noinline)) static double fma_peak_avx512(long iters) {
    __m512 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i);
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    double t0 = now();
    for (long n = 0; n < iters; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]));
    }
    double dt = now() - t0;
    float sink = 0;
    for (int i = 0; i < 12; i++) sink += _mm512_reduce_add_ps(acc[i]);
    if (sink == 12345.0f) puts("");
    return 12.0 * 16 * 2 * iters / dt / 1e9;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

// One core's FMA peak: 12 independent accumulator chains (enough to cover latency × ports).
__attribute__((target("avx2,fma"), noinline)) static double fma_peak_avx2(long iters) {
    __m256 acc[12];
    for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_ps((float)i);
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    double t0 = now();
    for (long n = 0; n < iters; n++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
        __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]), "+x"(acc[4]), "+x"(acc[5]));
    }
    double dt = now() - t0;
    float sink = 0;
    for (int i = 0; i < 12; i++) sink += _mm256_cvtss_f32(acc[i]);
    if (sink == 12345.0f) puts("");
    return 12.0 * 8 * 2 * iters / dt / 1e9;
}

static void fill(float *x, long n, unsigned seed) {
    for (long i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = ((seed >> 8) / 16777216.0f) * 2 - 1;
    }
}

static int check(int level, int ta, int tb, long m, long n, long k, float alpha, float beta, long pad) {
    long lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
    long arows = ta ? k : m, brows = tb ? n : k;
    float *a = malloc(sizeof(float) * (arows * lda + 1)), *b = malloc(sizeof(float) * (brows * ldb + 1));
    float *c = malloc(sizeof(float) * (m * ldc + 1)), *c0 = malloc(sizeof(float) * (m * ldc + 1));
    fill(a, arows * lda, 1);
    fill(b, brows * ldb, 2);
    fill(c0, m * ldc, 3);
    memcpy(c, c0, sizeof(float) * m * ldc);
    if (!rmt_sgemm(level, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) { printf("level %d refused\n", level); return 0; }
    double worst = 0;
    for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++) {
            double s = 0;
            for (long p = 0; p < k; p++) s += (double)(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
            double want = alpha * s + (beta == 0 ? 0 : beta * c0[i * ldc + j]);
            double err = fabs(c[i * ldc + j] - want) / (1 + fabs(want));
            if (err > worst) worst = err;
        }
    // Padding columns of C untouched.
    int padOK = 1;
    for (long i = 0; i < m; i++)
        for (long j = n; j < ldc; j++) if (c[i * ldc + j] != c0[i * ldc + j]) padOK = 0;
    free(a); free(b); free(c); free(c0);
    int ok = worst < 1e-5 * (1 + k / 64.0) && padOK;
    if (!ok) printf("FAIL level %d ta %d tb %d m %ld n %ld k %ld alpha %g beta %g pad %ld: err %g padOK %d\n",
                    level, ta, tb, m, n, k, alpha, beta, pad, worst, padOK);
    return ok;
}

typedef struct { const char *name; int ta, tb; long m, n, k; } shape_t;

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    openblas_set_num_threads(1);
    int level = rmt_vector_level();
    printf("cpu: %s; features 0x%x; vector level %d; OpenBLAS core %s; tile %dx%d\n", rmt_cpu_model(),
           rmt_cpu_features(), level, openblas_get_corename(), rmt_gemm_tile_rows(level), rmt_gemm_tile_cols(level));
    int fails = 0, checks = 0;
    const int quick = getenv("RMT_BENCH_QUICK") != NULL;  // skip the checks, time 4 shapes (or RMT_BENCH_ONLY's)
    long dims[] = {1, 2, 5, 6, 7, 13, 16, 17, 31, 33, 97};
    for (int lv = 1; lv <= (quick ? 0 : level); lv++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int im = 0; im < 11; im += 2)
                    for (int in = 1; in < 11; in += 3)
                        for (int ik = 0; ik < 11; ik += 4) {
                            checks++;
                            fails += !check(lv, ta, tb, dims[im], dims[in], dims[ik], 1.0f, 0.0f, 0);
                            checks++;
                            fails += !check(lv, ta, tb, dims[im], dims[in], dims[ik], -0.5f, 0.75f, 3);
                        }
    for (int lv = 1; lv <= (quick ? 0 : level); lv++) {
        checks += 3;
        fails += !check(lv, 0, 1, 300, 529, 600, 1.0f, 1.0f, 5);   // several MC, KC and NR blocks
        fails += !check(lv, 1, 0, 150, 3100, 260, 0.5f, 0.0f, 0);  // crosses NC
        fails += !check(lv, 1, 1, 7, 7, 0, 1.0f, 0.5f, 1);         // k = 0
    }
    printf("correctness: %d/%d passed\n", checks - fails, checks);

    const char *want = getenv("RMT_BENCH_LEVEL");
    if (want && atoi(want) >= 1 && atoi(want) < level) level = atoi(want);
    double peaks[7];
    for (int r = 0; r < 7; r++) peaks[r] = level >= 2 ? fma_peak_avx512(20000000) : fma_peak_avx2(20000000);
    qsort(peaks, 7, sizeof(double), cmp_double);
    double peak = peaks[3];
    printf("%s FMA peak, one core: %.1f GFLOP/s (median of 7; min %.1f max %.1f); timing level %d, tile %dx%d\n",
           level >= 2 ? "AVX-512" : "AVX2", peak, peaks[0], peaks[6], level, rmt_gemm_tile_rows(level), rmt_gemm_tile_cols(level));

    shape_t shapes[] = {
        {"M512 N768 K768 (base attn-out, NT)", 0, 1, 512, 768, 768},
        {"M512 N2304 K768 (base qkv, NT)", 0, 1, 512, 2304, 768},
        {"M512 N3072 K768 (base ffn-in, NT)", 0, 1, 512, 3072, 768},
        {"M512 N768 K3072 (base ffn-out, NT)", 0, 1, 512, 768, 3072},
        {"M512 N768 K768 (NN, dinp)", 0, 0, 512, 768, 768},
        {"M768 N768 K512 (TN, dW)", 1, 0, 768, 768, 512},
        {"M512 N256 K256 (small attn-out, NT)", 0, 1, 512, 256, 256},
        {"M512 N768 K256 (small qkv, NT)", 0, 1, 512, 768, 256},
        {"M512 N1024 K256 (small ffn-in, NT)", 0, 1, 512, 1024, 256},
        {"M512 N256 K1024 (small ffn-out, NT)", 0, 1, 512, 256, 1024},
        {"M512 N512 K64 (QK^T head, NT)", 0, 1, 512, 512, 64},
        {"M512 N64 K512 (PV head, NN)", 0, 0, 512, 64, 512},
        {"M512 N64 K512 (dK head, TN)", 1, 0, 512, 64, 512},
        {"M1024 N256 K512 (TN, small dW ffn-in)", 1, 0, 1024, 256, 512},
        {"M256 N768 K768 (half of base, NT)", 0, 1, 256, 768, 768},
        {"M1152 N384 K4096 (TN, MiniLM dW qkv, b8)", 1, 0, 1152, 384, 4096},
        {"M512 N32 K512 (TN, MiniLM dK head)", 1, 0, 512, 32, 512},
    };
    const char *only = getenv("RMT_BENCH_ONLY");  // time only the shapes whose name contains this
    int ns = quick && !only ? 4 : (int)(sizeof shapes / sizeof shapes[0]);
    printf("%-38s %9s %9s %9s   (GFLOP/s, one thread, median of %d interleaved rounds)\n", "shape", "own", "openblas", "own/peak", rounds);
    for (int s = 0; s < ns; s++) {
        shape_t sh = shapes[s];
        if (only && !strstr(sh.name, only)) continue;
        long lda = sh.ta ? sh.m : sh.k, ldb = sh.tb ? sh.k : sh.n;
        float *a = malloc(sizeof(float) * sh.m * sh.k), *b = malloc(sizeof(float) * sh.k * sh.n), *c = malloc(sizeof(float) * sh.m * sh.n);
        fill(a, sh.m * sh.k, 1); fill(b, sh.k * sh.n, 2); fill(c, sh.m * sh.n, 3);
        double flops = 2.0 * sh.m * sh.n * sh.k;
        int reps = (int)(2e9 / flops) + 1;
        double own[64], ob[64];
        for (int r = 0; r < rounds; r++) {
            double t0 = now();
            for (int i = 0; i < reps; i++) rmt_sgemm(level, sh.ta, sh.tb, sh.m, sh.n, sh.k, 1, a, lda, b, ldb, 0, c, sh.n);
            own[r] = flops * reps / (now() - t0) / 1e9;
            t0 = now();
            for (int i = 0; i < reps; i++)
                cblas_sgemm(CblasRowMajor, sh.ta ? CblasTrans : CblasNoTrans, sh.tb ? CblasTrans : CblasNoTrans,
                            sh.m, sh.n, sh.k, 1, a, lda, b, ldb, 0, c, sh.n);
            ob[r] = flops * reps / (now() - t0) / 1e9;
        }
        qsort(own, rounds, sizeof(double), cmp_double);
        qsort(ob, rounds, sizeof(double), cmp_double);
        printf("%-38s %9.1f %9.1f %8.0f%%\n", sh.name, own[rounds / 2], ob[rounds / 2], 100 * own[rounds / 2] / peak);
        free(a); free(b); free(c);
    }
    return fails != 0;
}
