// ModelLocator: finds the model folder when --model is omitted: $RMT_MODEL (when set and not
// empty it must be a model folder — a typo is an error, never a silent fall-back), then the model
// bundled with the package (Models/default, located from the library's source path —
// DefaultLocations.bundledModel — and from the executable's path, so it works from any
// working directory), then the MiniLM download of Scripts/fetch-minilm.sh (wrapped, untrained).
import Foundation
import RMT

enum ModelLocator {
    static func resolve(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = environment["RMT_MODEL"], !env.isEmpty {
            let url = URL(fileURLWithPath: env)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw ModelError("RMT_MODEL=\(env)", "no such model folder (unset RMT_MODEL to use the bundled model)")
            }
            guard isDir.boolValue else { throw ModelError("RMT_MODEL=\(env)", "not a folder (expected a model folder)") }
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
                throw ModelError("RMT_MODEL=\(env)", "not a model folder (no config.json)")
            }
            return url
        }
        var candidates: [URL] = [DefaultLocations.bundledModel]
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
