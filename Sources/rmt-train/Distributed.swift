// Distributed: which group of ranks this rmt-train process belongs to. Built with
// `--traits MPI` and started by mpirun, it is MPI_COMM_WORLD (MPICollective); otherwise the
// one process (SingleProcess) — the MPI build run without mpirun behaves as the plain build.
// Also sets the threads per rank: with RMT_THREADS unset, the cores are shared among the
// ranks on this machine (cores / local ranks, at least 1).
import Foundation
import RMT

enum Distributed {
    /// Set by the launcher in each rank's environment (Open MPI; PMIx/PMI for others).
    static var launchedSize: Int? {
        let env = ProcessInfo.processInfo.environment
        for key in ["OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"] { if let n = env[key].flatMap(Int.init) { return n } }
        return env["PMIX_RANK"] != nil ? 1 : nil
    }

    /// Ranks sharing this machine, as the launcher reports it (1 when it does not).
    static var localSize: Int {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
    }

    /// The group this process trains or evaluates in; call before any kernel runs (it may set
    /// RMT_THREADS). Throws when mpirun started several ranks of a build without MPI, which
    /// would otherwise run N independent copies writing the same files.
    static func collective(tool: String) throws -> any Collective {
        #if MPI
        if launchedSize != nil {
            shareCores()
            return try MPICollective.start()
        }
        #else
        if let n = launchedSize, n > 1 {
            throw CollectiveError("\(tool) was started as one of \(n) MPI ranks but built without MPI; "
                                  + "build it with: swift build -c release --traits MPI (Docs/distributed.md)")
        }
        #endif
        return SingleProcess()
    }

    /// RMT_THREADS = cores / ranks on this machine, unless the user set it.
    static func shareCores() {
        let env = ProcessInfo.processInfo.environment
        guard env["RMT_THREADS"] == nil else { return }
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, localSize))
        setenv("RMT_THREADS", String(threads), 1)
    }

    /// Call when this rank ends normally (trained, interrupted by agreement, evaluated): the MPI
    /// build then finalizes MPI at exit. A rank that ends on an error exits without finalizing,
    /// and mpirun stops the other ranks rather than leaving them waiting in a collective.
    static func endNormally() {
        #if MPI
        MPICollective.cleanExit = true
        #endif
    }
}
