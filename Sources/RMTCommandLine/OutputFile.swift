// OutputFile: the check before a long run whose output file is written when it ends (rmt-train
// eval --plot / --predictions, rmt-ask --trace): a path whose folder is missing, or that names a
// folder, is refused in one line now rather than after hours of reading; so is one that names
// a file the run reads or keeps (the input text, a ledger), which writing it would destroy.
import Foundation

public enum OutputFile {
    /// The problem with writing a file at `path` later ("the folder … does not exist", "… is a
    /// folder; give a file name"), or nil when it can be written (its folder exists).
    public static func problem(_ path: String) -> String? {
        if let missing = folderProblem(URL(fileURLWithPath: path).deletingLastPathComponent().path) { return missing }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return "\(path) is a folder; give a file name"
        }
        return nil
    }

    /// "the folder … does not exist" unless `folder` is an existing folder (where a run writes its
    /// files later: rmt-train eval --documents), else nil.
    public static func folderProblem(_ folder: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            return "the folder \(folder) does not exist"
        }
        return nil
    }

    /// Whether `a` and `b` name the same file: the same path once resolved (symbolic links,
    /// `.` and `..`), or — both existing — the same device and inode (a hard link).
    public static func same(_ a: String, _ b: String) -> Bool {
        let ra = URL(fileURLWithPath: a).resolvingSymlinksInPath().standardizedFileURL.path
        let rb = URL(fileURLWithPath: b).resolvingSymlinksInPath().standardizedFileURL.path
        if ra == rb { return true }
        var sa = stat(), sb = stat()
        guard stat(ra, &sa) == 0, stat(rb, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
