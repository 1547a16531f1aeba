// Signals: SIGINT and SIGTERM set a flag that the training loop polls after each step,
// so an interrupted run saves a resumable checkpoint instead of dying mid-write.
// A second signal exits immediately.
import Dispatch
import Foundation

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = 0
    private var sources: [DispatchSourceSignal] = []

    var isRaised: Bool { lock.lock(); defer { lock.unlock() }; return raised > 0 }

    /// Starts catching SIGINT and SIGTERM.
    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                raised += 1
                let count = raised
                lock.unlock()
                if count == 1 {
                    FileHandle.standardError.write(Data("\nrmt-train: stopping after this step; saving a checkpoint (again to quit now)\n".utf8))
                } else {
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
