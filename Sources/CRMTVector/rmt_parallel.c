// rmt_parallel.c — the worker pool of rmt_parallel.h. One job at a time: the caller publishes
// it under `lock`, bumps `generation` and wakes the workers; each helper takes items from
// `next_item` until none are left and reports back; the caller runs items too, then waits
// for its helpers. Workers never exit (the pool lives as long as the process).
// rmt_parallel_ranges at the end is the entry Parallel.forEachRange calls with a Swift closure.
#include "rmt_parallel.h"

#include <pthread.h>

#define MAX_HELPERS 255

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;  // held by the caller of the running job
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;  // guards the job fields below
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER, done = PTHREAD_COND_INITIALIZER;
static long started;              // pool threads running (ids 0..<started)
static unsigned long generation;  // bumped for each job
static rmt_parallel_fn job_fn;
static void *job_context;
static long job_count, job_helpers, job_pending;
static long next_item;            // atomic: the next item to hand out
static unsigned long born[MAX_HELPERS];  // generation when each helper was started: its first job is the next

static void run_items(void) {
    long i;
    while ((i = __atomic_fetch_add(&next_item, 1, __ATOMIC_RELAXED)) < job_count) job_fn(job_context, i);
}

static void *worker(void *arg) {
    const long id = (long)arg;
    unsigned long seen;
    pthread_mutex_lock(&lock);
    seen = born[id];
    for (;;) {
        while (generation == seen) pthread_cond_wait(&wake, &lock);
        seen = generation;
        if (id >= job_helpers) continue;  // not needed for this job
        pthread_mutex_unlock(&lock);
        run_items();
        pthread_mutex_lock(&lock);
        if (--job_pending == 0) pthread_cond_signal(&done);
    }
    return 0;
}

void rmt_parallel_for(long count, long workers, rmt_parallel_fn fn, void *context) {
    if (count <= 0) return;
    if (workers > count) workers = count;
    if (workers > MAX_HELPERS + 1) workers = MAX_HELPERS + 1;
    if (workers <= 1 || pthread_mutex_trylock(&busy) != 0) {
        for (long i = 0; i < count; i++) fn(context, i);
        return;
    }
    pthread_mutex_lock(&lock);
    while (started < workers - 1) {  // start missing helpers (id = started); a failure caps the pool
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        born[started] = generation;
        const int ok = pthread_create(&t, &attr, worker, (void *)started) == 0;
        pthread_attr_destroy(&attr);
        if (!ok) break;
        started++;
    }
    job_fn = fn;
    job_context = context;
    job_count = count;
    job_helpers = workers - 1 < started ? workers - 1 : started;
    job_pending = job_helpers;
    __atomic_store_n(&next_item, 0, __ATOMIC_RELAXED);
    generation++;
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
    run_items();
    pthread_mutex_lock(&lock);
    while (job_pending > 0) pthread_cond_wait(&done, &lock);
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&busy);
}

// ---- Swift closures without a heap context ----------------------------------------------------
// Parallel.forEachRange hands its non-escaping Swift closure `(Int, Int) -> Void` straight to
// rmt_parallel_ranges, declared on the Swift side with @_silgen_name, so Swift passes it in its
// own calling convention: the closure as two words, function and context (the context lives on
// the caller's stack). Calling it back needs the same convention: swiftcall, the context in the
// swift_context (self) register. Converting the closure to an escaping one in Swift instead
// (withoutActuallyEscaping) heap-allocates a thunk context on every call — one malloc per
// parallel loop, ~33 per small segment. The closure stays valid until rmt_parallel_ranges
// returns, which is after every call of it has returned.

typedef void rmt_range_body(long lo, long hi, void *__attribute__((swift_context)) context) __attribute__((swiftcall));

struct range_job {
    rmt_range_body *body;
    void *body_context;
    long count, chunk;
};

static void run_range(void *context, long w) {
    const struct range_job *job = context;
    const long lo = w * job->chunk, hi = lo + job->chunk < job->count ? lo + job->chunk : job->count;
    if (lo < hi) job->body(lo, hi, job->body_context);
}

/// Calls body(lo, hi) on the slices [w·chunk, min(count, (w+1)·chunk)) for w in 0..<workers, in
/// parallel as rmt_parallel_for does. Swift-only (swiftcall); not in the header.
__attribute__((swiftcall)) void rmt_parallel_ranges(long count, long workers, long chunk,
                                                    rmt_range_body *body, void *body_context);
__attribute__((swiftcall)) void rmt_parallel_ranges(long count, long workers, long chunk,
                                                    rmt_range_body *body, void *body_context) {
    struct range_job job = {body, body_context, count, chunk};
    rmt_parallel_for(workers, workers, run_range, &job);
}
