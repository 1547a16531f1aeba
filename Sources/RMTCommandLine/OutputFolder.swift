// OutputFolder: the check before a tool replaces a model folder named by --out (rmt-tool
// create-model, export; the folder is written atomically and replaces what was there). An
// existing file, or a non-empty folder that is not a model folder, is refused with one line —
// never replaced: `--out ~/Documents` must not move a user's folder away.
import Foundation
import RMT

public enum OutputFolder {
    /// Throws ModelError(path, cause) unless `path` is absent, an empty folder or a model folder.
    public static func checkReplaceable(_ path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else { throw ModelError(path, "is a file, not a folder (--out names the model folder to write)") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if entries.isEmpty || entries.contains("config.json") { return }
        throw ModelError(path, "is a folder that is not a model folder (no config.json); refusing to replace it — choose another --out")
    }
}
