// BuildInfo: the `--version` line of the three tools — the package version (RMTVersion) and
// the commit of the source checkout the tool was built from. SwiftPM has no build-time code
// generation without plugins, so the commit is read at run time from the `.git` beside this
// source file (#filePath: <package>/Sources/RMTCommandLine/BuildInfo.swift): HEAD, followed
// through a worktree's `gitdir:` file, loose refs and packed-refs. It is the checkout's HEAD
// now — not necessarily the build's if the checkout moved on since — and "unknown" when there
// is no readable .git (a source tarball, or the binary copied to another machine).
import Foundation
import RMT

public enum BuildInfo {
    /// "0.1.0 (commit 0123456789ab)", or "0.1.0 (commit unknown)".
    public static var versionLine: String {
        "\(RMTVersion.string) (commit \(commit.map { String($0.prefix(12)) } ?? "unknown"))"
    }

    /// The package's source folder: two levels above this file's folder.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The full hash of HEAD of the checkout at `packageRoot`, or nil.
    public static var commit: String? { headCommit(checkout: packageRoot) }

    /// The full hash of HEAD of the git checkout at `root` (a `.git` folder, or a worktree's
    /// `.git` file naming its git dir), or nil when it cannot be read.
    public static func headCommit(checkout root: URL) -> String? {
        let dotGit = root.appendingPathComponent(".git")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDir) else { return nil }
        var gitDir = dotGit
        if !isDir.boolValue {
            guard let line = read(dotGit), line.hasPrefix("gitdir:") else { return nil }
            let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
        }
        // A worktree's git dir names the shared one (refs, packed-refs) in `commondir`.
        var commonDir = gitDir
        if let common = read(gitDir.appendingPathComponent("commondir")) {
            commonDir = common.hasPrefix("/") ? URL(fileURLWithPath: common) : gitDir.appendingPathComponent(common)
        }
        guard let head = read(gitDir.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref:") else { return isHash(head) ? head : nil }
        let ref = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
        for dir in [gitDir, commonDir] {
            if let hash = read(dir.appendingPathComponent(ref)), isHash(hash) { return hash }
        }
        guard let packed = read(commonDir.appendingPathComponent("packed-refs")) else { return nil }
        for line in packed.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[1] == ref, isHash(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    private static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path), data.count < 1 << 20 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func isHash(_ s: String) -> Bool {
        (s.count == 40 || s.count == 64) && s.allSatisfy { $0.isHexDigit }
    }
}
