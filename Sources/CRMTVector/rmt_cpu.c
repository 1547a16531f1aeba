// rmt_cpu.c — CPUID + XGETBV feature detection and the Linux AMX permission request.
// See rmt_cpu.h. Off x86-64 every feature reads as absent and the portable kernels run.
#include "rmt_cpu.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <cpuid.h>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

// XCR0 state components (Intel SDM vol. 1, 13.1).
#define XCR0_SSE (1u << 1)
#define XCR0_AVX (1u << 2)
#define XCR0_OPMASK (1u << 5)
#define XCR0_ZMM_HI256 (1u << 6)
#define XCR0_HI16_ZMM (1u << 7)
#define XCR0_XTILECFG (1u << 17)
#define XCR0_XTILEDATA (1u << 18)

static unsigned long long read_xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static unsigned detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx) return 0;  // no XGETBV, or no AVX at all
    const unsigned long long xcr0 = read_xcr0();
    if ((xcr0 & (XCR0_SSE | XCR0_AVX)) != (XCR0_SSE | XCR0_AVX)) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    const unsigned leaf7_max = a;
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    const int amx_bf16 = (d >> 22) & 1, amx_tile = (d >> 24) & 1;
    int avx512_bf16 = 0;
    if (leaf7_max >= 1) {
        unsigned a1, b1, c1, d1;
        __cpuid_count(7, 1, a1, b1, c1, d1);
        avx512_bf16 = (a1 >> 5) & 1;
    }
    unsigned features = 0;
    if (avx2 && fma) features |= RMT_CPU_AVX2_FMA;
    const unsigned long long zmm = XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM;
    if ((features & RMT_CPU_AVX2_FMA) && avx512f && avx512bw && avx512vl && (xcr0 & zmm) == zmm) {
        features |= RMT_CPU_AVX512;
        if (avx512_bf16) features |= RMT_CPU_AVX512_BF16;
    }
    const unsigned long long tiles = XCR0_XTILECFG | XCR0_XTILEDATA;
    if (amx_tile && amx_bf16 && (xcr0 & tiles) == tiles) features |= RMT_CPU_AMX_BF16;
    return features;
}

static void read_model(char out[49]) {
    unsigned r[12];
    strcpy(out, "unknown");
    if (__get_cpuid_max(0x80000000u, 0) < 0x80000004u) return;
    for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
    char raw[49];
    memcpy(raw, r, 48);
    raw[48] = 0;
    const char *s = raw;
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n == 0) return;
    memcpy(out, s, n);
    out[n] = 0;
}

static void read_vendor(char out[13]) {
    unsigned a, b, c, d;
    strcpy(out, "unknown");
    if (!__get_cpuid(0, &a, &b, &c, &d)) return;
    memcpy(out, &b, 4);
    memcpy(out + 4, &d, 4);
    memcpy(out + 8, &c, 4);
    out[12] = 0;
}

static int request_amx(void) {
    if (!(rmt_cpu_features() & RMT_CPU_AMX_BF16)) return 0;
#if defined(__linux__)
    // ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 (arch/x86/include/uapi/asm/prctl.h).
    return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
#else
    return 0;
#endif
}

#else  // not x86-64
static unsigned detect(void) { return 0; }
static void read_model(char out[49]) { strcpy(out, "unknown"); }
static void read_vendor(char out[13]) { strcpy(out, "unknown"); }
static int request_amx(void) { return 0; }
#endif

// Each value is computed by whichever thread asks first; every thread computes the same,
// so the race is benign (published with a release store after the bytes are written).
unsigned rmt_cpu_features(void) {
    static unsigned value, ready;
    if (__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) return value;
    unsigned v = detect();
    value = v;
    __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    return v;
}

const char *rmt_cpu_model(void) {
    static char model[49];
    static int ready;
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        char tmp[49];
        read_model(tmp);
        memcpy(model, tmp, sizeof tmp);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return model;
}

const char *rmt_cpu_vendor(void) {
    static char vendor[13];
    static int ready;
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        char tmp[13];
        read_vendor(tmp);
        memcpy(vendor, tmp, sizeof tmp);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return vendor;
}

int rmt_cpu_request_amx(void) {
    static int value = -1;
    int v = __atomic_load_n(&value, __ATOMIC_ACQUIRE);
    if (v < 0) { v = request_amx(); __atomic_store_n(&value, v, __ATOMIC_RELEASE); }
    return v;
}
