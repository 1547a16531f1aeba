// intrinsics.h — scalar stand-ins for the AVX2 / AVX-512 / AVX512-BF16 intrinsics that
// rmt_gemm_bf16_body.h and the parts of rmt_gemm.c / rmt_gemm_body.h it uses call, so that the
// kernel's packing, blocking and tile logic can run on a CPU without AVX-512
// (Scripts/emulate-bf16-kernel.sh). Lane orders follow Intel's documentation; the bf16 conversion
// and VDPBF16PS follow its pseudocode (round to nearest even, denormals as zero; per pair the odd
// product first, each an FMA). This restates the instructions, it does not test them.
#include <stdint.h>
#include <string.h>
#include "rmt_bf16.h"
typedef float __m512 __attribute__((vector_size(64)));
typedef long long __m512i __attribute__((vector_size(64)));
typedef short __m512bh __attribute__((vector_size(64)));
typedef float __m256 __attribute__((vector_size(32)));
typedef long long __m256i __attribute__((vector_size(32)));
typedef short __m256bh __attribute__((vector_size(32)));
typedef uint16_t __mmask16;
typedef uint32_t __mmask32;
static inline __m256 _mm256_loadu_ps(const float *p) { __m256 v; memcpy(&v, p, 32); return v; }
static inline void _mm256_storeu_ps(float *p, __m256 v) { memcpy(p, &v, 32); }
static inline __m256 _mm256_unpacklo_ps(__m256 a, __m256 b) { __m256 r; for (int l = 0; l < 2; l++) { r[4*l+0]=a[4*l+0]; r[4*l+1]=b[4*l+0]; r[4*l+2]=a[4*l+1]; r[4*l+3]=b[4*l+1]; } return r; }
static inline __m256 _mm256_unpackhi_ps(__m256 a, __m256 b) { __m256 r; for (int l = 0; l < 2; l++) { r[4*l+0]=a[4*l+2]; r[4*l+1]=b[4*l+2]; r[4*l+2]=a[4*l+3]; r[4*l+3]=b[4*l+3]; } return r; }
static inline __m256 _mm256_shuffle_ps(__m256 a, __m256 b, int imm) { __m256 r; for (int l = 0; l < 2; l++) { r[4*l+0]=a[4*l+(imm&3)]; r[4*l+1]=a[4*l+((imm>>2)&3)]; r[4*l+2]=b[4*l+((imm>>4)&3)]; r[4*l+3]=b[4*l+((imm>>6)&3)]; } return r; }
static inline __m256 _mm256_permute2f128_ps(__m256 a, __m256 b, int imm) { __m256 r; for (int h = 0; h < 2; h++) { int s = (imm >> (4*h)) & 3; const __m256 src = s < 2 ? a : b; for (int i = 0; i < 4; i++) r[4*h+i] = (imm >> (4*h+3)) & 1 ? 0 : src[4*(s&1)+i]; } return r; }
static inline __m512 _mm512_maskz_loadu_ps(__mmask16 m, const float *p) { __m512 v = {0}; for (int i = 0; i < 16; i++) if (m >> i & 1) v[i] = p[i]; return v; }
static inline __m512bh _mm512_cvtne2ps_pbh(__m512 a, __m512 b) { __m512bh r; for (int i = 0; i < 16; i++) { r[i] = (short)rmt_bf16_from_float(b[i]); r[16+i] = (short)rmt_bf16_from_float(a[i]); } return r; }
static inline __m256bh _mm512_cvtneps_pbh(__m512 a) { __m256bh r; for (int i = 0; i < 16; i++) r[i] = (short)rmt_bf16_from_float(a[i]); return r; }
static inline void _mm512_storeu_si512(void *p, __m512i v) { memcpy(p, &v, 64); }
static inline __m512i _mm512_load_si512(const void *p) { if ((uintptr_t)p % 64) __builtin_trap(); __m512i v; memcpy(&v, p, 64); return v; }
static inline __m512i _mm512_maskz_loadu_epi16(__mmask32 m, const void *p) { __m512bh v = {0}; const short *s = p; for (int i = 0; i < 32; i++) if (m >> i & 1) v[i] = s[i]; return (__m512i)v; }
static inline __m256i _mm256_maskz_loadu_epi16(__mmask16 m, const void *p) { __m256bh v = {0}; const short *s = p; for (int i = 0; i < 16; i++) if (m >> i & 1) v[i] = s[i]; return (__m256i)v; }
static inline __m512i _mm512_cvtepu16_epi32(__m256i a) { __m256bh h = (__m256bh)a; uint32_t r[16]; for (int i = 0; i < 16; i++) r[i] = (uint16_t)h[i]; __m512i v; memcpy(&v, r, 64); return v; }
static inline __m512i _mm512_setzero_si512(void) { return (__m512i){0}; }
static inline void _mm512_mask_storeu_epi32(void *p, __mmask16 m, __m512i v) { uint32_t r[16]; memcpy(r, &v, 64); for (int i = 0; i < 16; i++) if (m >> i & 1) ((uint32_t *)p)[i] = r[i]; }
static inline __m512i _mm512_or_si512(__m512i a, __m512i b) { return a | b; }
static inline __m512i _mm512_slli_epi32(__m512i a, int n) { uint32_t r[16]; memcpy(r, &a, 64); for (int i = 0; i < 16; i++) r[i] <<= n; memcpy(&a, r, 64); return a; }
static inline __m512i _mm512_set1_epi32(int x) { uint32_t r[16]; for (int i = 0; i < 16; i++) r[i] = (uint32_t)x; __m512i v; memcpy(&v, r, 64); return v; }
static inline float emu_daz(uint16_t h) { return rmt_bf16_to_float((h & 0x7f80u) == 0 ? (uint16_t)(h & 0x8000u) : h); }
static inline __m512 _mm512_dpbf16_ps(__m512 src, __m512bh a, __m512bh b) { for (int j = 0; j < 16; j++) { src[j] = __builtin_fmaf(emu_daz((uint16_t)a[2*j+1]), emu_daz((uint16_t)b[2*j+1]), src[j]); src[j] = __builtin_fmaf(emu_daz((uint16_t)a[2*j]), emu_daz((uint16_t)b[2*j]), src[j]); } return src; }

// AMX: eight tiles of 16 rows × 64 bytes; the kernel's configuration (palette 1, every tile 16 × 64)
// is checked when loaded, and a tile instruction before it (or after _tile_release) aborts.
static uint8_t emu_tiles[8][16][64];
static int emu_tiles_configured;
static inline void emu_tile_check(int t) { if (!emu_tiles_configured || t < 0 || t > 7) __builtin_trap(); }
static inline void _tile_loadconfig(const void *config) {
    const uint8_t *c = config;
    if (c[0] != 1) __builtin_trap();
    for (int t = 0; t < 8; t++) {
        uint16_t colsb;
        memcpy(&colsb, c + 16 + 2 * t, 2);
        if (colsb != 64 || c[48 + t] != 16) __builtin_trap();
    }
    emu_tiles_configured = 1;
}
static inline void _tile_release(void) { emu_tiles_configured = 0; }
static inline void _tile_zero(int t) { emu_tile_check(t); memset(emu_tiles[t], 0, sizeof emu_tiles[t]); }
static inline void _tile_loadd(int t, const void *base, long stride) {
    emu_tile_check(t);
    for (int r = 0; r < 16; r++) memcpy(emu_tiles[t][r], (const char *)base + r * stride, 64);
}
static inline void _tile_stored(int t, void *base, long stride) {
    emu_tile_check(t);
    for (int r = 0; r < 16; r++) memcpy((char *)base + r * stride, emu_tiles[t][r], 64);
}
// TDPBF16PS as Intel's pseudocode: per row m, per k-pair, per column n: += even product, += odd.
static inline void _tile_dpbf16ps(int c, int a, int b) {
    emu_tile_check(c); emu_tile_check(a); emu_tile_check(b);
    for (int m = 0; m < 16; m++) {
        float acc[16];
        memcpy(acc, emu_tiles[c][m], 64);
        for (int k = 0; k < 16; k++) {
            uint16_t av[2], bv[32];
            memcpy(av, emu_tiles[a][m] + 4 * k, 4);
            memcpy(bv, emu_tiles[b][k], 64);
            for (int n = 0; n < 16; n++) {
                acc[n] = __builtin_fmaf(emu_daz(av[0]), emu_daz(bv[2 * n]), acc[n]);
                acc[n] = __builtin_fmaf(emu_daz(av[1]), emu_daz(bv[2 * n + 1]), acc[n]);
            }
        }
        memcpy(emu_tiles[c][m], acc, 64);
    }
}
