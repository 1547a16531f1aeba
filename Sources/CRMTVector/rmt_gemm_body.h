// rmt_gemm_body.h — the GEMM of rmt_gemm.h written once over a vector width, included by
// rmt_gemm.c with SUFFIX, TARGET, VEC, W (lanes), MR (tile rows), MC / KC / NC (block sizes)
// and the G_* operations defined per instruction set. The micro-tile is MR × 2W: two vectors
// per row of C, so each k step is 2 vector loads of B, MR broadcasts of A and 2·MR FMAs.

#define GCAT_(a, b) a##b
#define GCAT(a, b) GCAT_(a, b)
#define GFN(name) GCAT(name, SUFFIX)
#define NR (2 * W)

// A partial panel of either operand: `count` strips (rows of op(A) or columns of op(B)) of which
// the first `valid` start at src + t·ld and run along k; strip t is written with stride `stride`
// (MR or NR) at dst + t, the rest are zero. dst: (kc, stride).
static TARGET void GFN(pack_strips)(float *restrict dst, const float *restrict src, long ld, long stride,
                                    long valid, long kc) {
    for (long t = 0; t < stride; t++) {
        float *d = dst + t;
        if (t < valid) {
            const float *s = src + t * ld;
            for (long p = 0; p < kc; p++) d[p * stride] = s[p];
        } else {
            for (long p = 0; p < kc; p++) d[p * stride] = 0;
        }
    }
}

// op(A)[ic..ic+mc, pc..pc+kc] → MR-row panels: panel r holds rows r·MR..r·MR+MR−1, column by
// column (MR floats per k), rows past mc zero. dst: (ceil(mc/MR), kc, MR).
static TARGET void GFN(pack_a)(float *restrict dst, const float *restrict a, long lda, int trans,
                               long ic, long pc, long mc, long kc) {
    for (long i0 = 0; i0 < mc; i0 += MR) {
        const long rows = mc - i0 < MR ? mc - i0 : MR;
        if (trans && rows == MR) {  // op(A)[i][p] = A[p][i]: each k is MR contiguous floats
            // A constant trip count: inline moves, where the variable-length loop below compiles
            // to a memmove call per k (measured: 8.6% of a small training step, mostly dW and dK).
            const float *src = a + pc * lda + ic + i0;
            for (long p = 0; p < kc; p++) {
                const float *s = src + p * lda;
                float *d = dst + p * MR;
                _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) d[i] = s[i];
            }
        } else if (trans) {  // a partial panel of the same
            const float *src = a + pc * lda + ic + i0;
            for (long p = 0; p < kc; p++) {
                const float *s = src + p * lda;
                float *d = dst + p * MR;
                long i = 0;
                for (; i < rows; i++) d[i] = s[i];
                for (; i < MR; i++) d[i] = 0;
            }
        } else if (rows == MR) {  // op(A)[i][p] = A[i][p]: 8×8 transposes, last row group first
            const float *src = a + (ic + i0) * lda + pc;
            long p = 0;
            for (; p + 8 <= kc; p += 8)
                for (long g = (MR - 1) / 8; g >= 0; g--)
                    transpose8(dst + p * MR + g * 8, MR, src + g * 8 * lda + p, lda, MR - g * 8 < 8 ? MR - g * 8 : 8);
            for (; p < kc; p++)
                for (long i = 0; i < MR; i++) dst[p * MR + i] = src[i * lda + p];
        } else {  // a partial panel: read each row along k, write with stride MR
            GFN(pack_strips)(dst, a + (ic + i0) * lda + pc, lda, MR, rows, kc);
        }
        dst += kc * MR;
    }
}

// op(B)[pc..pc+kc, jc..jc+nc] → NR-column panels: panel s holds columns s·NR..s·NR+NR−1, row
// by row (NR floats per k), columns past nc zero. dst: (ceil(nc/NR), kc, NR).
static TARGET void GFN(pack_b)(float *restrict dst, const float *restrict b, long ldb, int trans,
                               long pc, long jc, long kc, long nc) {
    for (long j0 = 0; j0 < nc; j0 += NR) {
        const long cols = nc - j0 < NR ? nc - j0 : NR;
        if (!trans) {  // op(B)[p][j] = B[p][j]: each k is NR contiguous floats
            const float *src = b + pc * ldb + jc + j0;
            if (cols == NR) {
                for (long p = 0; p < kc; p++) {
                    const float *s = src + p * ldb;
                    float *d = dst + p * NR;
                    G_STORE(d, G_LOADU(s));
                    G_STORE(d + W, G_LOADU(s + W));
                }
            } else {
                for (long p = 0; p < kc; p++) {
                    const float *s = src + p * ldb;
                    float *d = dst + p * NR;
                    long j = 0;
                    for (; j < cols; j++) d[j] = s[j];
                    for (; j < NR; j++) d[j] = 0;
                }
            }
        } else if (cols == NR) {  // op(B)[p][j] = B[j][p]: 8×8 transposes
            const float *src = b + (jc + j0) * ldb + pc;
            long p = 0;
            for (; p + 8 <= kc; p += 8)
                for (long g = 0; g < NR / 8; g++) transpose8(dst + p * NR + g * 8, NR, src + g * 8 * ldb + p, ldb, 8);
            for (; p < kc; p++)
                for (long j = 0; j < NR; j++) dst[p * NR + j] = src[j * ldb + p];
        } else {  // a partial panel: read each row of B along k, write with stride NR
            GFN(pack_strips)(dst, b + (jc + j0) * ldb + pc, ldb, NR, cols, kc);
        }
        dst += kc * NR;
    }
}

// One k step of the MR × NR tile: 2 vector loads of B (at bp + q·NR), MR broadcasts of A's
// element AV (an expression in i and q), 2·MR FMAs into c0/c1. Shared by micro and micro_rows.
#define G_TILE_STEP(q, AV)                                            \
    do {                                                              \
        const VEC b0 = G_LOAD(bp + (q) * NR), b1 = G_LOAD(bp + (q) * NR + W); \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {       \
            const VEC av = G_SET1(AV);                                \
            c0[i] = G_FMADD(av, b0, c0[i]);                           \
            c1[i] = G_FMADD(av, b1, c1[i]);                           \
        }                                                             \
    } while (0)

// C[0..<mr, 0..<nr] = alpha·T + beta·C (beta = 0: C not read) from a tile T in memory (row stride
// ldt): store_tile's partial tiles, and every tile of the AMX kernel (rmt_gemm_bf16_body.h).
static TARGET void GFN(store_scratch)(const float *restrict t, long ldt, float *restrict c, long ldc, float alpha,
                                      float beta, long mr, long nr) {
    for (long i = 0; i < mr; i++) {
        float *row = c + i * ldc;
        const float *ti = t + i * ldt;
        if (beta == 0.0f) {
            for (long j = 0; j < nr; j++) row[j] = alpha * ti[j];
        } else {
            for (long j = 0; j < nr; j++) row[j] = alpha * ti[j] + beta * row[j];
        }
    }
}

// C[0..<mr, 0..<nr] = alpha·(c0|c1) + beta·C (beta = 0: C not read): the tile's epilogue for
// both micro-kernels; a partial tile goes through a scratch tile.
static inline __attribute__((always_inline)) TARGET void GFN(store_tile)(const VEC *c0, const VEC *c1, float *restrict c,
                                                                         long ldc, float alpha, float beta, long mr, long nr) {
    const VEC va = G_SET1(alpha), vb = G_SET1(beta);
    if (mr == MR && nr == NR) {
        if (beta == 0.0f) {
#pragma GCC unroll 16
            for (int i = 0; i < MR; i++) {
                G_STOREU(c + i * ldc, G_MUL(va, c0[i]));
                G_STOREU(c + i * ldc + W, G_MUL(va, c1[i]));
            }
        } else if (beta == 1.0f) {
#pragma GCC unroll 16
            for (int i = 0; i < MR; i++) {
                G_STOREU(c + i * ldc, G_FMADD(va, c0[i], G_LOADU(c + i * ldc)));
                G_STOREU(c + i * ldc + W, G_FMADD(va, c1[i], G_LOADU(c + i * ldc + W)));
            }
        } else {
#pragma GCC unroll 16
            for (int i = 0; i < MR; i++) {
                G_STOREU(c + i * ldc, G_FMADD(va, c0[i], G_MUL(vb, G_LOADU(c + i * ldc))));
                G_STOREU(c + i * ldc + W, G_FMADD(va, c1[i], G_MUL(vb, G_LOADU(c + i * ldc + W))));
            }
        }
        return;
    }
    float tile[MR * NR] __attribute__((aligned(64)));
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
        G_STORE(tile + i * NR, c0[i]);
        G_STORE(tile + i * NR + W, c1[i]);
    }
    GFN(store_scratch)(tile, NR, c, ldc, alpha, beta, mr, nr);
}

// The tile's prologue for micro and the bf16 micro-kernel (rmt_gemm_bf16_body.h): zero the
// accumulators and, since C's tile is written after the loop over k, start fetching it now.
static inline __attribute__((always_inline)) TARGET void GFN(start_tile)(VEC *c0, VEC *c1, const float *c, long ldc) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) { c0[i] = G_ZERO(); c1[i] = G_ZERO(); }
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
        __builtin_prefetch(c + i * ldc, 1, 3);
        __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);
    }
}

// C[0..<mr, 0..<nr] = alpha·(Ap·Bp) + beta·C (beta = 0: C not read). ap: (kc, MR) packed,
// bp: (kc, NR) packed (64-byte aligned). mr ≤ MR, nr ≤ NR; partial tiles go through a
// scratch tile so the loop over k is the same for every tile.
static TARGET void GFN(micro)(long kc, const float *restrict ap, const float *restrict bp,
                              float *restrict c, long ldc, float alpha, float beta, long mr, long nr) {
    VEC c0[MR], c1[MR];
    GFN(start_tile)(c0, c1, c, ldc);
#define GSTEP(q) G_TILE_STEP(q, ap[(q) * MR + i])
    long p = 0;
    for (; p + 4 <= kc; p += 4) {
        // A streams from L2: fetch 8 steps ahead (B's panel is in L1).
        __builtin_prefetch(ap + 8 * MR, 0, 3);
        __builtin_prefetch(ap + 8 * MR + 16, 0, 3);
        GSTEP(0);
        GSTEP(1);
        GSTEP(2);
        GSTEP(3);
        ap += 4 * MR;
        bp += 4 * NR;
    }
    for (; p < kc; p++) {
        GSTEP(0);
        ap += MR;
        bp += NR;
    }
#undef GSTEP
    GFN(store_tile)(c0, c1, c, ldc, alpha, beta, mr, nr);
}

// C[0..<mr, 0..<nr] = Σ_p A[i][p]·Bp[p][j] with A read where it lies (row i at a + i·lda, along
// k) instead of from a packed panel: fused attention's P·V, whose A (a block of probability rows,
// just written by the softmax and still in L2) would otherwise be transposed into MR-row panels
// first. The broadcasts read MR row streams instead of one panel, the same cache lines. bp: (kc,
// NR) packed; rows past mr read row mr − 1 (their sums are dropped); beta = 0.
static TARGET void GFN(micro_rows)(long kc, const float *restrict a, long lda, const float *restrict bp,
                                   float *restrict c, long ldc, long mr, long nr) {
    const float *row[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) row[i] = a + (i < mr ? i : mr - 1) * lda;
    VEC c0[MR], c1[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) { c0[i] = G_ZERO(); c1[i] = G_ZERO(); }
#define GSTEP(q) G_TILE_STEP(q, row[i][p + (q)])
    long p = 0;
    for (; p + 4 <= kc; p += 4) {
        GSTEP(0);
        GSTEP(1);
        GSTEP(2);
        GSTEP(3);
        bp += 4 * NR;
    }
    for (; p < kc; p++) {
        GSTEP(0);
        bp += NR;
    }
#undef GSTEP
    GFN(store_tile)(c0, c1, c, ldc, 1.0f, 0.0f, mr, nr);  // ×1 is exact: the same sums as before
}

// The blocked loops of rmt_gemm.h over scratch buffers pa (≥ MC·KC floats) and pb (≥ KC·nb
// floats, nb = min(n, NC) rounded up to NR). k > 0 here; rmt_sgemm handles k = 0.
static TARGET void GFN(sgemm)(int ta, int tb, long m, long n, long k, float alpha,
                              const float *a, long lda, const float *b, long ldb, float beta,
                              float *c, long ldc, float *restrict pa, float *restrict pb) {
    for (long jc = 0; jc < n; jc += NC) {
        const long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            const long kc = k - pc < KC ? k - pc : KC;
            const float bk = pc == 0 ? beta : 1.0f;  // later slices accumulate onto the first
            GFN(pack_b)(pb, b, ldb, tb, pc, jc, kc, nc);
            for (long ic = 0; ic < m; ic += MC) {
                const long mc = m - ic < MC ? m - ic : MC;
                GFN(pack_a)(pa, a, lda, ta, ic, pc, mc, kc);
                for (long jr = 0; jr < nc; jr += NR) {
                    const long nr = nc - jr < NR ? nc - jr : NR;
                    const float *bp = pb + (jr / NR) * kc * NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        const long mr = mc - ir < MR ? mc - ir : MR;
                        GFN(micro)(kc, pa + (ir / MR) * kc * MR, bp, c + (ic + ir) * ldc + jc + jr, ldc,
                                   alpha, bk, mr, nr);
                    }
                }
            }
        }
    }
}

// One attention head, fused over row blocks (rmt_attention_head in rmt_gemm.h): Kᵀ and V are
// packed once; then for each block of `block` query rows the scores S = scale·Q·Kᵀ go into
// that block of `probs` with the micro-kernel, the masked softmax runs on those rows while
// they are in L2, and out = P·V is computed from the same rows, read in place (micro_rows). pk, pv: ≥ T·round_up(d, NR)
// and ≥ round_up(T, NR)·d floats; pa: ≥ round_up(block, MR)·d floats (64-byte aligned).
static TARGET void GFN(attention_head)(long R, long T, long d, float scale, const float *q, const float *k,
                                       const float *v, long ld, const float *mask, float *probs, float *out,
                                       long ldo, long block, int level, float *restrict pk,
                                       float *restrict pv, float *restrict pa) {
    GFN(pack_b)(pk, k, ld, 1, 0, 0, d, T);  // op(B) = Kᵀ (d × T)
    GFN(pack_b)(pv, v, ld, 0, 0, 0, T, d);  // op(B) = V (T × d)
    for (long r0 = 0; r0 < R; r0 += block) {
        const long rows = R - r0 < block ? R - r0 : block;
        float *p = probs + r0 * T;
        GFN(pack_a)(pa, q, ld, 0, r0, 0, rows, d);
        for (long jr = 0; jr < T; jr += NR) {
            const long nr = T - jr < NR ? T - jr : NR;
            for (long ir = 0; ir < rows; ir += MR) {
                const long mr = rows - ir < MR ? rows - ir : MR;
                GFN(micro)(d, pa + (ir / MR) * d * MR, pk + (jr / NR) * d * NR, p + ir * T + jr, T, scale, 0.0f, mr, nr);
            }
        }
        rmt_softmax_rows(level, p, mask, rows, T);
        for (long jr = 0; jr < d; jr += NR) {  // P·V from the probability rows in place (no packing)
            const long nr = d - jr < NR ? d - jr : NR;
            for (long ir = 0; ir < rows; ir += MR) {
                const long mr = rows - ir < MR ? rows - ir : MR;
                GFN(micro_rows)(T, p + ir * T, T, pv + (jr / NR) * T * NR, out + (r0 + ir) * ldo + jr, ldo, mr, nr);
            }
        }
    }
}

#undef NR
#undef G_TILE_STEP
