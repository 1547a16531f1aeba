// MPICollective: the Collective of MPI_COMM_WORLD through the system Open MPI (CMPI), compiled
// only with `--traits MPI`. MPI is initialised once (MPI_THREAD_FUNNELED: only the main thread
// calls it) and finalized at exit when the rank ended normally (Distributed.endNormally).
#if MPI
import CMPI
import Foundation
import RMT

final class MPICollective: Collective, @unchecked Sendable {
    let rank: Int
    let size: Int
    /// Set when the rank ends normally; read by the exit handler.
    nonisolated(unsafe) static var cleanExit = false

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Initialises MPI and registers the exit handler.
    static func start() throws -> MPICollective {
        if cmpi_initialized() == 0 {
            try check(cmpi_init(), "MPI_Init_thread")
            atexit {
                if MPICollective.cleanExit && cmpi_finalized() == 0 { _ = cmpi_finalize() }
            }
        }
        return MPICollective(rank: Int(cmpi_rank()), size: Int(cmpi_size()))
    }

    static func check(_ code: Int32, _ call: String) throws {
        guard code == 0 else { throw CollectiveError("MPI: \(call) failed with error code \(code)") }
    }

    /// MPI counts are Int32: larger buffers go in chunks of 2^30 elements.
    private static let chunk = 1 << 30

    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        for start in stride(from: 0, to: count, by: Self.chunk) {
            try Self.check(cmpi_allreduce_sum_float(buffer + start, Int32(min(Self.chunk, count - start))), "MPI_Allreduce")
        }
    }

    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {
        for start in stride(from: 0, to: count, by: Self.chunk) {
            try Self.check(cmpi_allreduce_sum_double(buffer + start, Int32(min(Self.chunk, count - start))), "MPI_Allreduce")
        }
    }

    func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {
        for start in stride(from: 0, to: byteCount, by: Self.chunk) {
            try Self.check(cmpi_broadcast_bytes(buffer + start, Int32(min(Self.chunk, byteCount - start)), Int32(root)), "MPI_Bcast")
        }
    }

    func barrier() throws { try Self.check(cmpi_barrier(), "MPI_Barrier") }
}
#endif
