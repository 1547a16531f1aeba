// Scripts/emulate-bf16-kernel.sh: the AVX512-BF16 and AMX-BF16 kernels' own source, compiled against
// scalar intrinsics (under AddressSanitizer), matches the plain-loop twin on 432 cases each — on
// every x86-64 CPU, so a change to the kernels' packing or blocking is caught even where they cannot
// run (the real kernels are held against the twin by bf16AVX512KernelMatchesTheTwin and
// bf16AMXKernelMatchesTheTwin where the CPU has the feature).
import Foundation
import Testing
import RMTTestSupport

@Test func bf16KernelSourcePassesTheEmulatedCheck() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", repositoryRoot().appendingPathComponent("Scripts/emulate-bf16-kernel.sh").path]
    let r = try runCollecting(process)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("864 cases (avx512 and amx), 0 failed"), "\(r.stdout)")
}
