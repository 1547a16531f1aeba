// rmt_allocation_counter.c — see rmt_allocation_counter.h. glibc only (it exports the
// __libc_* entry points the counting wrappers forward to); elsewhere the file defines only
// rmt_allocation_count, which then stays 0.
//
// With RMT_ALLOCATION_REPORT set in the environment, the count is written to standard error
// at exit as "rmt-allocations: N" (what Scripts/count-allocations.sh reads under LD_PRELOAD).
#include "rmt_allocation_counter.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

static unsigned long allocations;  // atomic: every thread's
// The calling thread's own count. initial-exec: reading it never allocates (no __tls_get_addr).
static __thread unsigned long thread_allocations __attribute__((tls_model("initial-exec")));

unsigned long rmt_allocation_count(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }
unsigned long rmt_allocation_count_this_thread(void) { return thread_allocations; }

#ifdef __GLIBC__
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static inline void counted(void) {
    __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED);
    thread_allocations++;
}

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { counted(); return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }

int posix_memalign(void **result, size_t alignment, size_t size) {
    counted();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    *result = p;
    return 0;
}

__attribute__((destructor)) static void report(void) {
    if (!getenv("RMT_ALLOCATION_REPORT")) return;
    char text[48] = "rmt-allocations: ", digits[24];
    unsigned long n = rmt_allocation_count();
    int d = 0, length = 17;
    do { digits[d++] = (char)('0' + n % 10); n /= 10; } while (n);
    while (d) text[length++] = digits[--d];
    text[length++] = '\n';
    ssize_t ignored = write(2, text, (size_t)length);
    (void)ignored;
}
#endif  // __GLIBC__
