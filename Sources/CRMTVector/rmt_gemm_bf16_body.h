// rmt_gemm_bf16_body.h — the AVX512-BF16 and AMX-BF16 kernels of rmt_gemm_bf16 (rmt_bf16.h),
// included by rmt_gemm.c right after the AVX-512 build of rmt_gemm_body.h, whose SUFFIX, MR (12),
// W (16), tile prologue (start_tile) and epilogues (store_tile, store_scratch: C = alpha·acc +
// beta·C) they reuse. One set of blocked loops serves both (BF_NC columns of B, BF_KC deep slices,
// BF_MC rows of A, then micro-tiles: 12 × 32 of vdpbf16ps, or 32 × 32 of AMX tiles).
//
// Packed operands are 32-bit words, each a k-pair of bf16 (even k in the low half, odd k in the
// high half — the layout VDPBF16PS and TDPBF16PS multiply pairwise); an odd last k is paired with
// zero. B panel: (pairs, NR) words — per pair, NR columns (both kernels; an AMX B tile is 16
// pairs × 16 columns of it). A panel: (pairs, MR) words — per pair, MR rows — for vdpbf16ps;
// (32 rows, pairs) words — row by row — for AMX, whose A tile is 16 rows × 16 pairs. For AMX the
// pairs of a slice are padded with zero to a multiple of 16.
// One vdpbf16ps k-pair step: 2 aligned loads of B, MR broadcasts of A's word, 2·MR vdpbf16ps.
// Operands whose k runs along their rows (A, Wᵀ) are converted a strip at a time
// (vcvtne2ps2bf16; a bf16 weight is only copied) and, for the (pairs, ·) layouts, the words
// transposed with transpose8; operands whose k runs down their columns (Aᵀ, B) interleave two
// rows per pair.

#define BF_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,fma")))
#define BF_NR (2 * W)
#define BF_KC 512                 // k per slice (even): the B panel, 256 × 32 words = 32 KiB, stays in L1
#define BF_KW (BF_KC / 2)         // words per k slice
#define BF_MC 192                 // rows of A per block: 192 × 256 words = 192 KiB in L2
#define BF_NC 768                 // columns of B per block: 256 × 768 words = 768 KiB in L2/L3
#define AMX_TARGET __attribute__((target("amx-tile,amx-bf16")))
#define AMX_MR 32                 // rows of the AMX micro-tile: 2 A tiles of 16; columns: BF_NR, 2 B tiles

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

// The AMX tile configuration (palette 1): tiles 0–3 accumulate C (16 rows × 16 fp32), 4–5 hold A
// (16 rows × 16 k-pairs), 6–7 hold B (16 k-pairs × 16 columns): every tile 16 rows of 64 bytes.
typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} amx_config_t;

static AMX_TARGET void amx_configure(void) {
    amx_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int t = 0; t < 8; t++) {
        cfg.colsb[t] = 64;
        cfg.rows[t] = 16;
    }
    _tile_loadconfig(&cfg);
}

static AMX_TARGET void amx_release(void) { _tile_release(); }

// out (32 × 32 fp32, row stride 32) = Ap·Bp over kpp k-pairs (a multiple of 16). ap: (32, kpp)
// words; bp: (kpp, 32) words.
static AMX_TARGET void amx_micro(long kpp, const uint32_t *ap, const uint32_t *bp, float *out) {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
    for (long q = 0; q < kpp; q += 16) {
        _tile_loadd(4, ap + q, kpp * 4);
        _tile_loadd(5, ap + 16 * kpp + q, kpp * 4);
        _tile_loadd(6, bp + q * 32, 128);
        _tile_loadd(7, bp + q * 32 + 16, 128);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    _tile_stored(0, out, 128);
    _tile_stored(1, out + 16, 128);
    _tile_stored(2, out + 16 * 32, 128);
    _tile_stored(3, out + 16 * 32 + 16, 128);
}

// An AMX A panel: 32 rows of op(A) (the first `valid` real) as (32, kpp) words, row by row; words
// past ceil(kc/2) and rows past `valid` zero. tmp: ≥ 32 · BF_KW words.
static BF_TARGET void GFN(amx_pack_a)(uint32_t *restrict dst, const float *a, long lda, int trans, long valid,
                                      long kc, long kpp, uint32_t *restrict tmp) {
    if (!trans) {  // each row of A runs along k: converted straight into its row (kpp words)
        for (long i = 0; i < AMX_MR; i++) {
            if (i < valid) GFN(bf16_strip)(dst + i * kpp, a + i * lda, NULL, kc);
            else memset(dst + i * kpp, 0, (size_t)kpp * 4);
        }
        return;
    }
    const long kp = (kc + 1) / 2;  // Aᵀ: pairs interleaved from two rows, then turned row by row
    GFN(bf16_pack_across_k)(tmp, a, NULL, lda, AMX_MR, valid, kc);
    for (long i = 0; i < AMX_MR; i++) {
        for (long p = 0; p < kp; p++) dst[i * kpp + p] = tmp[p * AMX_MR + i];
        for (long p = kp; p < kpp; p++) dst[i * kpp + p] = 0;
    }
}

// The blocked loops over scratch buffers pa (≥ BF_MC·BF_KW words), pb (≥ BF_KW·round_up(BF_NC,
// NR) words) and tmp (≥ NR·BF_KW words), on vdpbf16ps tiles or (amx) AMX tiles. k > 0;
// rmt_gemm_bf16 handles the rest.
static BF_TARGET void GFN(gemm_bf16)(int amx, int ta, int tb, long m, long n, long k, float alpha, const float *a,
                                     long lda, const float *b, const uint16_t *b16, long ldb, float beta, float *c,
                                     long ldc, uint32_t *restrict pa, uint32_t *restrict pb, uint32_t *restrict tmp) {
    const long mr_tile = amx ? AMX_MR : MR;
    float out[AMX_MR * BF_NR] __attribute__((aligned(64)));  // an AMX micro-tile's sums
    if (amx) amx_configure();
    for (long jc = 0; jc < n; jc += BF_NC) {
        const long nc = n - jc < BF_NC ? n - jc : BF_NC;
        for (long pc = 0; pc < k; pc += BF_KC) {
            const long kc = k - pc < BF_KC ? k - pc : BF_KC, kp = (kc + 1) / 2;
            const long kpp = amx ? (kp + 15) / 16 * 16 : kp;  // pairs per panel (AMX: whole tiles)
            const float bk = pc == 0 ? beta : 1.0f;  // later slices accumulate onto the first
            for (long j0 = 0; j0 < nc; j0 += BF_NR) {
                const long cols = nc - j0 < BF_NR ? nc - j0 : BF_NR;
                const long at = tb ? (jc + j0) * ldb + pc : pc * ldb + jc + j0;
                uint32_t *dst = pb + (j0 / BF_NR) * kpp * BF_NR;
                if (tb) GFN(bf16_pack_along_k)(dst, b ? b + at : NULL, b16 ? b16 + at : NULL, ldb, BF_NR, cols, kc, tmp);
                else GFN(bf16_pack_across_k)(dst, b ? b + at : NULL, b16 ? b16 + at : NULL, ldb, BF_NR, cols, kc);
                for (long p = kp * BF_NR; p < kpp * BF_NR; p++) dst[p] = 0;
            }
            for (long ic = 0; ic < m; ic += BF_MC) {
                const long mc = m - ic < BF_MC ? m - ic : BF_MC;
                for (long i0 = 0; i0 < mc; i0 += mr_tile) {
                    const long rows = mc - i0 < mr_tile ? mc - i0 : mr_tile;
                    uint32_t *dst = pa + (i0 / mr_tile) * kpp * mr_tile;
                    const float *src = ta ? a + pc * lda + ic + i0 : a + (ic + i0) * lda + pc;
                    if (amx) GFN(amx_pack_a)(dst, src, lda, ta, rows, kc, kpp, tmp);
                    else if (ta) GFN(bf16_pack_across_k)(dst, src, NULL, lda, MR, rows, kc);
                    else GFN(bf16_pack_along_k)(dst, src, NULL, lda, MR, rows, kc, tmp);
                }
                for (long jr = 0; jr < nc; jr += BF_NR) {
                    const long nr = nc - jr < BF_NR ? nc - jr : BF_NR;
                    const uint32_t *bp = pb + (jr / BF_NR) * kpp * BF_NR;
                    for (long ir = 0; ir < mc; ir += mr_tile) {
                        const long mr = mc - ir < mr_tile ? mc - ir : mr_tile;
                        const uint32_t *ap = pa + (ir / mr_tile) * kpp * mr_tile;
                        float *ct = c + (ic + ir) * ldc + jc + jr;
                        if (amx) {
                            amx_micro(kpp, ap, bp, out);
                            GFN(store_scratch)(out, BF_NR, ct, ldc, alpha, bk, mr, nr);
                        } else {
                            GFN(bf16_micro)(kp, ap, bp, ct, ldc, alpha, bk, mr, nr);
                        }
                    }
                }
            }
        }
    }
    if (amx) amx_release();
}
