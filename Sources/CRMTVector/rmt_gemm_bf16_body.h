// rmt_gemm_bf16_body.h — the AVX512-BF16 kernel of rmt_gemm_bf16 (rmt_bf16.h), included by
// rmt_gemm.c right after the AVX-512 build of rmt_gemm_body.h, whose SUFFIX, MR (12), W (16), tile
// prologue (start_tile) and epilogue (store_tile: C = alpha·acc + beta·C) it reuses, with the same blocked loops
// (BF_NC columns of B, BF_KC deep slices, BF_MC rows of A, then MR × NR micro-tiles).
//
// Packed operands are 32-bit words, each a k-pair of bf16 (even k in the low half, odd k in the
// high half — the layout VDPBF16PS multiplies pairwise); an odd last k is paired with zero.
//   A panel: (ceil(kc/2), MR) words — per pair, MR rows;    B panel: (ceil(kc/2), NR) words.
// One k-pair step of the tile: 2 aligned loads of B, MR broadcasts of A's word, 2·MR vdpbf16ps.
// Operands whose k runs along their rows (A, Wᵀ) are converted a strip at a time
// (vcvtne2ps2bf16; a bf16 weight is only copied) and the words transposed with transpose8;
// operands whose k runs down their columns (Aᵀ, B) interleave two rows per pair.

#define BF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,fma")))
#define BF_NR (2 * W)
#define BF_KC 512                 // k per slice (even): the B panel, 256 × 32 words = 32 KiB, stays in L1
#define BF_KW (BF_KC / 2)         // words per k slice
#define BF_MC 192                 // rows of A per block: 192 × 256 words = 192 KiB in L2
#define BF_NC 768                 // columns of B per block: 256 × 768 words = 768 KiB in L2/L3

// dst[0 ..< ceil(kc/2)] = kc values of a strip along k as k-pair words, from fp32 `sf` (rounded)
// or bf16 `sh` (copied); an odd last pair's high half is zero. Writes whole 16-word vectors:
// dst has room for round_up(kc, 32)/2 words.
static inline BF_TARGET void GFN(bf16_strip)(uint32_t *restrict dst, const float *restrict sf,
                                             const uint16_t *restrict sh, long kc) {
    for (long q = 0; q < kc; q += 32) {
        const long rem = kc - q;
        if (sf) {
            const __mmask16 m0 = rem >= 16 ? 0xFFFF : (__mmask16)((1u << rem) - 1);
            const __mmask16 m1 = rem >= 32 ? 0xFFFF : rem > 16 ? (__mmask16)((1u << (rem - 16)) - 1) : 0;
            const __m512 lo = _mm512_maskz_loadu_ps(m0, sf + q), hi = _mm512_maskz_loadu_ps(m1, sf + q + 16);
            _mm512_storeu_si512(dst + q / 2, (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
        } else {
            const __mmask32 m = rem >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << rem) - 1);
            _mm512_storeu_si512(dst + q / 2, _mm512_maskz_loadu_epi16(m, sh + q));
        }
    }
}

// `stride` strips along k (strip t at sf/sh + t·ld; the first `valid` real, the rest zero) →
// dst[p·stride + t] (p < ceil(kc/2)): each strip converted into a row of tmp (stride × BF_KW
// words), then the words transposed 8 × 8 (last row group first, as pack_a: a short group's
// spare lanes are overwritten by the next store; the last reaches 8 − 4 words past the panel).
static BF_TARGET void GFN(bf16_pack_along_k)(uint32_t *restrict dst, const float *sf, const uint16_t *sh,
                                             long ld, long stride, long valid, long kc, uint32_t *restrict tmp) {
    const long kp = (kc + 1) / 2;
    for (long t = 0; t < stride; t++) {
        uint32_t *row = tmp + t * BF_KW;
        if (t < valid) {
            GFN(bf16_strip)(row, sf ? sf + t * ld : NULL, sh ? sh + t * ld : NULL, kc);
        } else {
            for (long p = 0; p < kp; p++) row[p] = 0;
        }
    }
    long p = 0;
    for (; p + 8 <= kp; p += 8)
        for (long g = (stride - 1) / 8; g >= 0; g--)
            transpose8((float *)(dst + p * stride + g * 8), stride, (const float *)(tmp + g * 8 * BF_KW + p), BF_KW,
                       stride - g * 8 < 8 ? stride - g * 8 : 8);
    for (; p < kp; p++)
        for (long t = 0; t < stride; t++) dst[p * stride + t] = tmp[t * BF_KW + p];
}

// 16 values from src (fp32 rounded, or bf16) as the low halves of 16 words; lanes past `m` zero.
static inline BF_TARGET __m512i GFN(bf16_widen)(const float *sf, const uint16_t *sh, __mmask16 m) {
    const __m256i h = sf ? (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, sf)) : _mm256_maskz_loadu_epi16(m, sh);
    return _mm512_cvtepu16_epi32(h);
}

// An operand whose k runs down its columns: row q (at sf/sh + q·ld) holds k = q for `valid`
// strips along it → dst[p·stride + t] = (row 2p, row 2p + 1)[t]; t ≥ valid and row kc zero.
static BF_TARGET void GFN(bf16_pack_across_k)(uint32_t *restrict dst, const float *sf, const uint16_t *sh,
                                              long ld, long stride, long valid, long kc) {
    for (long p = 0; 2 * p < kc; p++) {
        const long q = 2 * p;
        for (long t = 0; t < stride; t += 16) {
            const long rem = valid - t, room = stride - t;
            const __mmask16 m = rem >= 16 ? 0xFFFF : rem > 0 ? (__mmask16)((1u << rem) - 1) : 0;
            const __mmask16 store = room >= 16 ? 0xFFFF : (__mmask16)((1u << room) - 1);
            const __m512i even = GFN(bf16_widen)(sf ? sf + q * ld + t : NULL, sh ? sh + q * ld + t : NULL, m);
            const __m512i odd = q + 1 < kc
                ? GFN(bf16_widen)(sf ? sf + (q + 1) * ld + t : NULL, sh ? sh + (q + 1) * ld + t : NULL, m)
                : _mm512_setzero_si512();
            _mm512_mask_storeu_epi32(dst + p * stride + t, store, _mm512_or_si512(even, _mm512_slli_epi32(odd, 16)));
        }
    }
}

// C[0..<mr, 0..<nr] = alpha·(Ap·Bp) + beta·C over kp k-pairs (beta = 0: C not read). ap: (kp, MR)
// words, bp: (kp, NR) words, 64-byte aligned.
static BF_TARGET void GFN(bf16_micro)(long kp, const uint32_t *restrict ap, const uint32_t *restrict bp,
                                      float *restrict c, long ldc, float alpha, float beta, long mr, long nr) {
    __m512 c0[MR], c1[MR];
    GFN(start_tile)(c0, c1, c, ldc);
    for (long p = 0; p < kp; p++) {
        __builtin_prefetch(ap + 8 * MR, 0, 3);
        const __m512bh b0 = (__m512bh)_mm512_load_si512(bp), b1 = (__m512bh)_mm512_load_si512(bp + W);
#pragma GCC unroll 16
        for (int i = 0; i < MR; i++) {
            const __m512bh av = (__m512bh)_mm512_set1_epi32((int)ap[i]);
            c0[i] = _mm512_dpbf16_ps(c0[i], av, b0);
            c1[i] = _mm512_dpbf16_ps(c1[i], av, b1);
        }
        ap += MR;
        bp += BF_NR;
    }
    GFN(store_tile)(c0, c1, c, ldc, alpha, beta, mr, nr);
}

// The blocked loops over scratch buffers pa (≥ BF_MC·BF_KW words), pb (≥ BF_KW·round_up(BF_NC,
// NR) words) and tmp (≥ NR·BF_KW words). k > 0; rmt_gemm_bf16 handles the rest.
static BF_TARGET void GFN(gemm_bf16)(int ta, int tb, long m, long n, long k, float alpha, const float *a, long lda,
                                     const float *b, const uint16_t *b16, long ldb, float beta, float *c, long ldc,
                                     uint32_t *restrict pa, uint32_t *restrict pb, uint32_t *restrict tmp) {
    for (long jc = 0; jc < n; jc += BF_NC) {
        const long nc = n - jc < BF_NC ? n - jc : BF_NC;
        for (long pc = 0; pc < k; pc += BF_KC) {
            const long kc = k - pc < BF_KC ? k - pc : BF_KC, kp = (kc + 1) / 2;
            const float bk = pc == 0 ? beta : 1.0f;  // later slices accumulate onto the first
            for (long j0 = 0; j0 < nc; j0 += BF_NR) {
                const long cols = nc - j0 < BF_NR ? nc - j0 : BF_NR;
                const long at = tb ? (jc + j0) * ldb + pc : pc * ldb + jc + j0;
                uint32_t *dst = pb + (j0 / BF_NR) * kp * BF_NR;
                if (tb) GFN(bf16_pack_along_k)(dst, b ? b + at : NULL, b16 ? b16 + at : NULL, ldb, BF_NR, cols, kc, tmp);
                else GFN(bf16_pack_across_k)(dst, b ? b + at : NULL, b16 ? b16 + at : NULL, ldb, BF_NR, cols, kc);
            }
            for (long ic = 0; ic < m; ic += BF_MC) {
                const long mc = m - ic < BF_MC ? m - ic : BF_MC;
                for (long i0 = 0; i0 < mc; i0 += MR) {
                    const long rows = mc - i0 < MR ? mc - i0 : MR;
                    uint32_t *dst = pa + (i0 / MR) * kp * MR;
                    if (ta) GFN(bf16_pack_across_k)(dst, a + pc * lda + ic + i0, NULL, lda, MR, rows, kc);
                    else GFN(bf16_pack_along_k)(dst, a + (ic + i0) * lda + pc, NULL, lda, MR, rows, kc, tmp);
                }
                for (long jr = 0; jr < nc; jr += BF_NR) {
                    const long nr = nc - jr < BF_NR ? nc - jr : BF_NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        const long mr = mc - ir < MR ? mc - ir : MR;
                        GFN(bf16_micro)(kp, pa + (ir / MR) * kp * MR, pb + (jr / BF_NR) * kp * BF_NR,
                                        c + (ic + ir) * ldc + jc + jr, ldc, alpha, bk, mr, nr);
                    }
                }
            }
        }
    }
}
