// rmt-train under mpirun (issue 14, Docs/distributed.md): 2 ranks give one process's loss
// sequence for the same global batch, a signalled rank stops every rank with one resumable
// checkpoint, `eval` shards documents and rank 0 keeps the one ledger. These tests build
// nothing: they run the MPI-enabled rmt-train that `.ci/run` builds into .build-mpi
//   swift build -c release --traits MPI --scratch-path .build-mpi --product rmt-train
// and are disabled (with that reason) when it or mpirun is missing — unless RMT_REQUIRE_MPI=1
// (CI), where `mpiBuildIsPresentWhenRequired` fails instead.
import Foundation
import Testing
import RMTTestSupport

enum MPIBuild {
    static var binary: URL { repositoryRoot().appendingPathComponent(".build-mpi/release/rmt-train") }
    static var mpirun: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
    static var available: Bool { mpirun != nil && FileManager.default.isExecutableFile(atPath: binary.path) }
    static var required: Bool { ProcessInfo.processInfo.environment["RMT_REQUIRE_MPI"] == "1" }

    /// `mpirun -np N` of the MPI rmt-train (root allowed, as in CI containers; one thread per rank).
    static func arguments(ranks: Int, _ args: [String]) -> [String] {
        ["-np", String(ranks), "--oversubscribe", "--allow-run-as-root", "--bind-to", "none",
         "-x", "RMT_THREADS=1", binary.path] + args
    }

    /// Starts mpirun (ranks > 0) or the MPI binary alone (ranks == 0: one process, no MPI).
    static func start(ranks: Int, _ args: [String]) throws -> (Process, Pipe) {
        let p = Process()
        if ranks > 0 {
            p.executableURL = mpirun!
            p.arguments = arguments(ranks: ranks, args)
        } else {
            p.executableURL = binary
            p.arguments = args
        }
        var env = ProcessInfo.processInfo.environment
        env["RMT_THREADS"] = "1"
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, err)
    }

    /// Runs to the end; exit status and everything printed.
    static func run(ranks: Int, _ args: [String]) throws -> CommandResult {
        let (p, pipe) = try start(ranks: ranks, args)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: "")
    }
}

@Test(.enabled(if: MPIBuild.required, "only checked when RMT_REQUIRE_MPI=1 (CI)"))
func mpiBuildIsPresentWhenRequired() {
    #expect(MPIBuild.mpirun != nil, "RMT_REQUIRE_MPI=1 but mpirun is not on PATH (apt-get install openmpi-bin)")
    #expect(FileManager.default.isExecutableFile(atPath: MPIBuild.binary.path),
            "RMT_REQUIRE_MPI=1 but \(MPIBuild.binary.path) is missing; build it with: swift build -c release --traits MPI --scratch-path .build-mpi --product rmt-train")
}

/// The step losses and evaluation records of a run's metrics.jsonl.
private func metrics(_ out: URL) throws -> (losses: [Double], evals: [[String: Any]]) {
    let lines = try String(contentsOf: out.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
    let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    return (records.compactMap { $0["loss"] as? Double }, records.filter { $0["eval_accuracy"] != nil })
}

private func maxRelativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) / max(abs($0), abs($1), 1e-30) }.max() ?? 0
}

/// Children of `pid` whose environment says they are MPI rank `rank`.
private func rankProcess(of pid: Int32, rank: Int) -> Int32? {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
    for e in entries {
        guard let child = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, Int32(fields[1]) == pid,
              let env = FileManager.default.contents(atPath: "/proc/\(e)/environ") else { continue }
        if env.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }) {
            return child
        }
    }
    return nil
}

@Suite(.enabled(if: MPIBuild.available,
                "needs mpirun and .build-mpi/release/rmt-train (swift build -c release --traits MPI --scratch-path .build-mpi --product rmt-train)"),
       .serialized)
struct MPITrainCLITests {
    let dir: URL, model: URL

    init() throws {
        dir = try scratchFolder("mpi")
        model = dir.appendingPathComponent("model")
        let made = try createTinyModel(at: model, segmentLength: 32)
        #expect(made.status == 0, "\(made.stderr)")
    }

    func trainArguments(out: URL, steps: Int, evalEvery: Int) -> [String] {
        ["--model", model.path, "--task", "memorize", "--max-segments", "2", "--max-steps-per-stage", String(steps),
         "--eval-every", String(evalEvery), "--eval-samples", "12", "--batch-size", "4", "--lr", "1e-3", "--warmup", "2",
         "--out", out.path]
    }

    /// 2 ranks × 2 documents = 1 process × 4 documents: the same losses (≤ 1e-6 relative; the
    /// gradient sums run in another order), the same evaluation (sharded by whole batches,
    /// summed exactly: bitwise equal) and the same stages.
    @Test func twoRanksGiveTheLossesOfOneProcess() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let single = try MPIBuild.run(ranks: 0, trainArguments(out: one, steps: 8, evalEvery: 4))
        #expect(single.status == 0, "\(single.stdout)")
        let pair = try MPIBuild.run(ranks: 2, trainArguments(out: two, steps: 8, evalEvery: 4))
        #expect(pair.status == 0, "\(pair.stdout)")
        #expect(pair.stdout.contains("2 ranks × 1 threads"), "\(pair.stdout)")
        let a = try metrics(one), b = try metrics(two)
        #expect(a.losses.count == 16 && b.losses.count == 16)  // 2 stages × 8 steps
        let worst = maxRelativeDifference(a.losses, b.losses)
        #expect(worst <= 1e-6, "losses differ by \(worst) relative: \(a.losses) vs \(b.losses)")
        #expect(a.evals.map { $0["eval_accuracy"] as! Double } == b.evals.map { $0["eval_accuracy"] as! Double })
        #expect(maxRelativeDifference(a.evals.map { $0["eval_loss"] as! Double }, b.evals.map { $0["eval_loss"] as! Double }) <= 1e-6)
        // Rank 0 alone wrote the run: one commands.txt line, the final model.
        let commands = try String(contentsOf: two.appendingPathComponent("commands.txt"), encoding: .utf8)
        #expect(commands.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: two.appendingPathComponent("model/model.safetensors").path))
    }

    /// SIGTERM to rank 1 alone stops both ranks after the same step with one checkpoint; resuming
    /// on 2 ranks gives the uninterrupted 2-rank losses exactly, resuming on 1 rank (the global
    /// batch still 4) within 1e-6.
    @Test func signalledRankStopsAllAndTheRunResumes() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let steps = 30, evalEvery = 10
        let full = dir.appendingPathComponent("full")
        let reference = try MPIBuild.run(ranks: 2, trainArguments(out: full, steps: steps, evalEvery: evalEvery))
        #expect(reference.status == 0, "\(reference.stdout)")
        let expected = try metrics(full).losses

        for resumeRanks in [2, 0] {
            let out = dir.appendingPathComponent("cut-\(resumeRanks)")
            let (mpirun, pipe) = try MPIBuild.start(ranks: 2, trainArguments(out: out, steps: steps, evalEvery: evalEvery))
            let drain = DispatchQueue(label: "drain")
            nonisolated(unsafe) var printed = Data()
            drain.async { printed = pipe.fileHandleForReading.readDataToEndOfFile() }
            let log = out.appendingPathComponent("metrics.jsonl")
            let deadline = Date().addingTimeInterval(120)
            var rank1: Int32?
            while Date() < deadline {
                let lines = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if rank1 == nil { rank1 = rankProcess(of: mpirun.processIdentifier, rank: 1) }
                if lines >= 5, rank1 != nil { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            try #require(rank1 != nil, "rank 1 of mpirun \(mpirun.processIdentifier) not found")
            kill(rank1!, SIGTERM)
            mpirun.waitUntilExit()
            drain.sync {}
            let text = String(decoding: printed, as: UTF8.self)
            #expect(mpirun.terminationStatus != 0, "\(text)")
            #expect(text.contains("rmt-train: interrupted at step"), "\(text)")
            let state = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("checkpoint/trainer-state.json"))) as! [String: Any]
            let step = state["step"] as! Int
            #expect(step >= 5 && step < 2 * steps, "stopped at step \(step)")
            #expect(try metrics(out).losses.count == step)

            let resumed = try MPIBuild.run(ranks: resumeRanks, ["--resume", "--out", out.path])
            #expect(resumed.status == 0, "\(resumed.stdout)")
            #expect(resumed.stdout.contains("resumed at step \(step)"), "\(resumed.stdout)")
            let losses = try metrics(out).losses
            #expect(losses.count == expected.count)
            if resumeRanks == 2 {
                #expect(losses == expected, "resumed on 2 ranks: the losses differ from the uninterrupted run's")
            } else {
                let worst = maxRelativeDifference(losses, expected)
                #expect(worst <= 1e-6, "resumed on 1 process: losses differ by \(worst) relative")
            }
        }
    }

    /// A global batch that does not split over the ranks is refused on every rank, one line each.
    @Test func batchThatDoesNotDivideIsRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        var args = trainArguments(out: dir.appendingPathComponent("odd"), steps: 2, evalEvery: 1)
        args[args.firstIndex(of: "--batch-size")! + 1] = "3"
        let r = try MPIBuild.run(ranks: 2, args)
        #expect(r.status != 0)
        #expect(r.stdout.components(separatedBy: "rmt-train: --batch-size 3 does not divide over 2 ranks").count == 3, "\(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("odd/checkpoint").path))
    }

    /// `eval` on 2 ranks: the same table and the same ledger, line for line, as one process —
    /// also when stopped and continued with more --samples.
    @Test func shardedEvalKeepsOneLedger() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        func args(_ ledger: String, samples: Int) -> [String] {
            ["eval", "--model", model.path, "--task", "memorize,detect", "--segments", "1,2", "--batch-size", "2",
             "--samples", String(samples), "--ledger", dir.appendingPathComponent(ledger).path, "--json"]
        }
        var tables: [String: String] = [:]
        for (name, ranks) in [("one", 0), ("two", 2)] {
            let first = try MPIBuild.run(ranks: ranks, args("\(name).jsonl", samples: 3))
            #expect(first.status == 0, "\(first.stdout)")
            let more = try MPIBuild.run(ranks: ranks, args("\(name).jsonl", samples: 9))
            #expect(more.status == 0, "\(more.stdout)")
            #expect(more.stdout.contains("documents 3..<5") && !more.stdout.contains("documents 0..<2"), "\(more.stdout)")
            tables[name] = more.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.joined(separator: "\n")
        }
        #expect(tables["one"] == tables["two"] && tables["one"]!.split(separator: "\n").count == 4, "\(tables)")
        let one = try String(contentsOf: dir.appendingPathComponent("one.jsonl"), encoding: .utf8)
        let two = try String(contentsOf: dir.appendingPathComponent("two.jsonl"), encoding: .utf8)
        #expect(one == two)
        #expect(one.split(separator: "\n").count == 1 + 2 * 2 * (2 + 3))  // header + (task, length) × batches
    }
}

#if !MPI
/// The plain build started as one of several MPI ranks refuses with one line, instead of running
/// N independent copies that write the same run folder.
@Test func plainBuildRefusesToRunAsSeveralRanks() throws {
    let dir = try scratchFolder("nompi")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let r = try run("rmt-train", ["--preset", "tiny", "--vocab", fixture("tokenizer/vocab.txt").path, "--out", out.path],
                    environment: ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"])
    #expect(r.status == 1 && r.stderr.contains("built without MPI") && isOneLine(r.stderr), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    let alone = try run("rmt-train", ["eval", "--model", dir.path, "--segments", "1"], environment: ["OMPI_COMM_WORLD_SIZE": "2"])
    #expect(alone.status == 1 && alone.stderr.contains("rmt-train eval was started as one of 2 MPI ranks"), "\(alone.stderr)")
}
#endif
