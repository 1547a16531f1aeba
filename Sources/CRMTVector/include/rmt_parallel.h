// rmt_parallel.h — the project's worker pool: persistent threads that park on a condition
// variable between jobs (no spinning), so a parallel loop allocates nothing and reuses the same
// threads — and with them the own GEMM's per-thread pack buffers — for every call.
// RMTKernels' Parallel.forEachRange is its only caller.
#ifndef RMT_PARALLEL_H
#define RMT_PARALLEL_H

#ifdef __cplusplus
extern "C" {
#endif

/// One item of a job: fn(context, index).
typedef void (*rmt_parallel_fn)(void *context, long index);

/// Calls fn(context, i) for every i in 0..<count on up to `workers` threads — the calling thread
/// and workers − 1 pool threads, started on first need — and returns when every call has
/// returned. Items are handed out one at a time from a shared counter. A call made while the
/// pool runs another job (from inside fn, or from another thread) runs its items inline on
/// the calling thread, so nesting never deadlocks.
void rmt_parallel_for(long count, long workers, rmt_parallel_fn fn, void *context);

#ifdef __cplusplus
}
#endif

#endif
