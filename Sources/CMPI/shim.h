// CMPI: the system Open MPI (Debian `libopenmpi-dev`) seen from Swift, for rmt-train built with
// `--traits MPI`. The include and library paths come from pkg-config (`ompi-c`). Open MPI's
// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, …) are macros over addresses of
// globals that Swift cannot import, so the few calls rmt-train makes are wrapped here, all on
// MPI_COMM_WORLD. Each returns MPI's error code (MPI_SUCCESS = 0).
#include <mpi.h>
#include <stdint.h>

static inline int cmpi_init(void) {
    int provided = 0;
    // Only the main thread calls MPI; worker threads run kernels only.
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
}
static inline int cmpi_initialized(void) { int flag = 0; MPI_Initialized(&flag); return flag; }
static inline int cmpi_finalized(void) { int flag = 0; MPI_Finalized(&flag); return flag; }
static inline int cmpi_finalize(void) { return MPI_Finalize(); }
static inline int cmpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
static inline int cmpi_rank(void) { int r = 0; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static inline int cmpi_size(void) { int s = 1; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }
static inline int cmpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// In-place sum of `count` floats over all ranks.
static inline int cmpi_allreduce_sum_float(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
/// In-place sum of `count` doubles over all ranks.
static inline int cmpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
/// `count` bytes from `root` to every rank.
static inline int cmpi_broadcast_bytes(void *buffer, int count, int root) {
    return MPI_Bcast(buffer, count, MPI_BYTE, root, MPI_COMM_WORLD);
}
