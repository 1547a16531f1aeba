// rmt_allocation_counter.h — counts the process's heap allocations, for tests and
// Scripts/count-allocations.sh only (in no product). rmt_allocation_counter.c defines malloc,
// calloc, realloc, posix_memalign, aligned_alloc and memalign, each counting the call and
// forwarding to glibc's own allocator (__libc_malloc …): linked into the test binary, the
// definitions interpose on every allocation of the process — the Swift runtime's, the
// kernels', every thread's; built as a shared object, LD_PRELOAD does the same for any binary.
#ifndef RMT_ALLOCATION_COUNTER_H
#define RMT_ALLOCATION_COUNTER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Allocation calls made so far by every thread of the process (malloc, calloc, realloc,
/// posix_memalign, aligned_alloc, memalign; free is not counted). Stays 0 where the
/// interposition does not take effect (not glibc): callers check that it moves.
unsigned long rmt_allocation_count(void);

/// The same count for the calling thread alone: what a test reads, since other tests run
/// concurrently in the same process. Work a parallel loop hands to the pool's other threads
/// is not in it — but the loop's own set-up is, and the calling thread runs items of every
/// loop too.
unsigned long rmt_allocation_count_this_thread(void);

#ifdef __cplusplus
}
#endif

#endif
