// rmt_cpu.h — what this CPU and OS can run: the one place where the project reads CPUID and
// XGETBV (and asks Linux for the AMX tile-data state). Every kernel choice — the softmax/GELU
// row kernels (rmt_vector.h), the GEMM micro-kernels (rmt_gemm.h) and RMTKernels' KernelSet —
// starts from rmt_cpu_features().
#ifndef RMT_CPU_H
#define RMT_CPU_H

#ifdef __cplusplus
extern "C" {
#endif

/// Feature bits of rmt_cpu_features(). A bit is set only when the CPU has the instructions
/// AND the OS saves their register state (XCR0), so code using them can run.
enum {
    RMT_CPU_AVX2_FMA = 1u << 0,     ///< AVX2 + FMA3, YMM state enabled
    RMT_CPU_AVX512 = 1u << 1,       ///< AVX-512 F + BW + VL, opmask/ZMM state enabled
    RMT_CPU_AVX512_BF16 = 1u << 2,  ///< AVX512_BF16 (with RMT_CPU_AVX512)
    RMT_CPU_AMX_BF16 = 1u << 3,     ///< AMX-TILE + AMX-BF16, XTILECFG/XTILEDATA state enabled
};

/// The RMT_CPU_* bits this CPU and OS support, computed once (thread-safe).
unsigned rmt_cpu_features(void);

/// The CPU's brand string (CPUID 0x80000002–4), trimmed; "unknown" where unavailable.
const char *rmt_cpu_model(void);

/// The CPU vendor (CPUID 0: "GenuineIntel", "AuthenticAMD", …); "unknown" off x86-64.
const char *rmt_cpu_vendor(void);

/// Asks Linux for permission to use the AMX tile-data state (arch_prctl ARCH_REQ_XCOMP_PERM,
/// XFEATURE_XTILEDATA = 18), once per process. 1 when granted (AMX may be used by every
/// thread), 0 when the CPU lacks AMX-BF16 or the kernel refused. The AMX-BF16 GEMM kernel
/// (rmt_bf16.h, RMT_BF16_AMX) asks before its first use.
int rmt_cpu_request_amx(void);

#ifdef __cplusplus
}
#endif

#endif
