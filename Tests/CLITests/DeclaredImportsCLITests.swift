// Scripts/check-imports.sh: every import of a package module is declared in Package.swift for
// the target that makes it. The package passes; in a small package, an import that is only
// reachable through another dependency is caught, in one line naming the file, the line and
// the target (an import in a comment is not one). And the layering the issue asked for: the
// data layer and RMTBase need nothing of the model, the recurrence or the kernels.
import Foundation
import Testing
import RMTTestSupport

/// Runs Scripts/check-imports.sh on the package at `root`.
private func checkImports(_ root: URL) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", repositoryRoot().appendingPathComponent("Scripts/check-imports.sh").path, root.path]
    return try runCollecting(process)
}

@Test func everyImportOfThePackageIsDeclared() throws {
    let result = try checkImports(repositoryRoot())
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.isEmpty)
}

@Test func anUndeclaredImportIsReportedWithItsFileAndTarget() throws {
    let root = try scratchFolder("imports")
    defer { try? FileManager.default.removeItem(at: root) }
    try """
    // swift-tools-version:6.1
    import PackageDescription
    let package = Package(name: "Layers", targets: [
        .target(name: "Low"),
        .target(name: "Middle", dependencies: ["Low"]),
        .target(name: "High", dependencies: ["Middle"]),
    ])
    """.write(to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    let files = [
        "Low/Low.swift": "public let low = 1\n",
        "Middle/Middle.swift": "import Foundation\nimport Low\npublic let middle = low\n",
        // Low is reachable through Middle but not declared; the comment's import is not one.
        "High/High.swift": "import Foundation\n// import Low\nimport Middle\n@_exported import Low\n",
    ]
    for (path, text) in files {
        let url = root.appendingPathComponent("Sources").appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let result = try checkImports(root)
    #expect(result.status == 1)
    #expect(result.stdout == "Sources/High/High.swift:4: target High imports Low, which Package.swift does not declare as a dependency of High\n")
}

/// The declared dependencies of each target of the package, as SwiftPM reads Package.swift.
private func declaredDependencies() throws -> [String: Set<String>] {
    let scratch = try scratchFolder("manifest")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["swift", "package", "dump-package", "--package-path", repositoryRoot().path,
                         "--scratch-path", scratch.path]
    let result = try runCollecting(process)
    #expect(result.status == 0, "\(result.stderr)")
    let manifest = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    var declared: [String: Set<String>] = [:]
    for target in try #require(manifest["targets"] as? [[String: Any]]) {
        let name = try #require(target["name"] as? String)
        let dependencies = (target["dependencies"] as? [[String: [Any]]]) ?? []
        declared[name] = Set(dependencies.compactMap { $0.values.first?.first as? String })
    }
    return declared
}

@Test func theDataLayerNeedsNeitherTheRecurrenceNorTheKernels() throws {
    let declared = try declaredDependencies()
    #expect(declared["RMTData"] == ["RMTBase", "RMTTokenizer"])
    #expect(declared["RMTBase"] == [])
    #expect(declared["RMTRecurrence"]?.contains("RMTData") == false)
}
