// ModelLocator: finds the model folder when --model is omitted: $RMT_MODEL, then the
// model bundled with the package (Models/default, located from the library's source path —
// DefaultLocations.bundledModel — and from the executable's path, so it works from any
// working directory), then the MiniLM download of Scripts/fetch-minilm.sh (wrapped, untrained).
import Foundation
import RMT

enum ModelLocator {
    static func resolve(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["RMT_MODEL"] { candidates.append(URL(fileURLWithPath: env)) }
        candidates.append(DefaultLocations.bundledModel)
        // <package>/.build/<triple>/release/rmt-ask → walk up to the folder with Models/default
        var exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(exe.appendingPathComponent("Models/default"))
            exe.deleteLastPathComponent()
        }
        candidates.append(DefaultLocations.miniLMDirectory)
        for c in candidates where FileManager.default.fileExists(atPath: c.appendingPathComponent("config.json").path) {
            return c
        }
        throw ModelError("rmt-ask", "no model found: pass --model DIR, or run Scripts/fetch-minilm.sh")
    }
}
