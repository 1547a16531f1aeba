// Scripts/emulate-bf16-kernel.sh: the AVX512-BF16 kernel's own source, compiled against scalar
// intrinsics, matches the plain-loop twin on its 432 cases — on every x86-64 CPU, so a change to
// the kernel's packing or blocking is caught even where the kernel cannot run (the real kernel is
// held against the twin by bf16AVX512KernelMatchesTheTwin where the CPU has AVX512-BF16).
import Foundation
import Testing
import RMTTestSupport

@Test func bf16KernelSourcePassesTheEmulatedCheck() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", repositoryRoot().appendingPathComponent("Scripts/emulate-bf16-kernel.sh").path]
    let r = try runCollecting(process)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("432 cases, 0 failed"), "\(r.stdout)")
}
