// Collective: the seam between training and the processes it runs in. A `Collective` is the
// group of ranks of one run (MPI_COMM_WORLD under mpirun): the trainer sums gradients and
// statistics over it and lets rank 0 alone write files. `SingleProcess` is the group of one —
// every call is a no-op — so the one-process path does exactly what it did before the seam.
// rmt-train built with `--traits MPI` supplies an MPI implementation (Sources/rmt-train);
// nothing below this layer knows about MPI.

/// A failed collective call (an MPI error code); training cannot continue consistently.
public struct CollectiveError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The ranks of one run. Every rank must make the same calls in the same order.
public protocol Collective: AnyObject, Sendable {
    /// This process's index, 0..<size; rank 0 writes the run's files.
    var rank: Int { get }
    /// Number of processes.
    var size: Int { get }
    /// Sums `count` floats at `buffer` over all ranks, in place; every rank gets the same bits.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws
    /// Sums `count` doubles at `buffer` over all ranks, in place.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws
    /// Copies `byteCount` bytes at `buffer` from rank `root` to every rank.
    func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws
    /// Returns when every rank has called it.
    func barrier() throws
}

extension Collective {
    /// True on the rank that writes files (rank 0).
    public var isRoot: Bool { rank == 0 }

    /// Sums an array of doubles over all ranks.
    public func sum(_ values: [Double]) throws -> [Double] {
        guard size > 1, !values.isEmpty else { return values }
        var v = values
        try v.withUnsafeMutableBufferPointer { try allReduceSum($0.baseAddress!, count: $0.count) }
        return v
    }

    /// True on every rank when `flag` is true on any rank.
    public func any(_ flag: Bool) throws -> Bool {
        guard size > 1 else { return flag }
        return try sum([flag ? 1 : 0])[0] > 0
    }

    /// Rank `root`'s value of `value`, on every rank.
    public func broadcast(_ value: Int, root: Int = 0) throws -> Int {
        guard size > 1 else { return value }
        var v = Int64(value)
        try withUnsafeMutableBytes(of: &v) { try broadcast($0.baseAddress!, byteCount: 8, root: root) }
        return Int(v)
    }
}

/// The run of one process: rank 0 of 1; sums and broadcasts leave the data as it is.
public final class SingleProcess: Collective {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {}
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {}
    public func broadcast(_ buffer: UnsafeMutableRawPointer, byteCount: Int, root: Int) throws {}
    public func barrier() throws {}
}
