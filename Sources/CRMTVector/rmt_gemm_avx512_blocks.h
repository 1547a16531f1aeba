// rmt_gemm_avx512_blocks.h — the AVX-512 fp32/bf16 GEMM build's register tile and cache blocks, in
// one place: rmt_gemm.c's AVX-512 build and the scalar emulation harness
// (Scripts/bf16-emulation/kernel_check.c) both include it, so the emulation checks the blocking the
// real kernel uses. Defines MR, MC, KC and NC; the includer #undefs them after its build.
//
// 12 × 32 tile (24 of the 32 ZMM registers accumulate). Block sizes for a 1–2 MiB L2 and 48 KiB L1
// (Skylake-SP … Sapphire Rapids, Zen 4/5): the B panel (KC·32·4 = 32 KiB) stays in L1, the A block
// (MC·KC·4 = 192 KiB) in L2, the B block (KC·NC·4 = 768 KiB) in L2/L3. Chosen by analogy with the
// AVX2 measurements: this build has not been run on AVX-512 hardware (Docs/benchmarks.md, "Kernels").
#define MR 12
#define MC 192
#define KC 256
#define NC 768
