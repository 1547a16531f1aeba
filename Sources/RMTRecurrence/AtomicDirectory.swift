// AtomicDirectory: writing a whole folder so that a kill at any moment leaves a complete
// folder to find — and finding it again (`recover`). A write fills a hidden sibling
// `.NAME.tmp-UUID`, renames the current `NAME` to `.NAME.old-UUID`, renames the temp folder
// to `NAME`, then removes the old one. The states a kill can leave, and what `recover` does:
//
//   NAME + .NAME.tmp-*        killed while filling          remove the temp folders
//   .NAME.old-* + .NAME.tmp-* killed between the renames    rename the old folder back to NAME
//                                                            (the newest if several), remove the rest
//   NAME + .NAME.old-*        killed before removing old    remove the old folders
//   .NAME.tmp-* only          killed filling the first one  remove them: there is no NAME yet
//
// Only complete folders are ever renamed to NAME or .NAME.old-*, so NAME after `recover` is
// complete (or absent). Docs/training.md lists these states for the training run folder.
import Foundation

public enum AtomicDirectory {
    /// Replaces `target` with a folder filled by `fill` (given an empty temp folder), atomically.
    public static func write(_ target: URL, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let temp = parent.appendingPathComponent(temporaryPrefix(target) + UUID().uuidString)
        try fm.createDirectory(at: temp, withIntermediateDirectories: false)
        do {
            try fill(temp)
            try replace(target, with: temp)
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
    }

    static func replace(_ target: URL, with temp: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            let old = target.deletingLastPathComponent().appendingPathComponent(oldPrefix(target) + UUID().uuidString)
            try fm.moveItem(at: target, to: old)
            do { try fm.moveItem(at: temp, to: target) } catch {
                try? fm.moveItem(at: old, to: target)
                throw error
            }
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temp, to: target)
        }
    }

    /// `.NAME.tmp-`: a folder being filled (never complete as far as anyone knows).
    public static func temporaryPrefix(_ target: URL) -> String { ".\(target.lastPathComponent).tmp-" }
    /// `.NAME.old-`: the previous complete folder, moved aside during a replace.
    public static func oldPrefix(_ target: URL) -> String { ".\(target.lastPathComponent).old-" }

    /// What `recover` found and did.
    public struct Recovery: Equatable, Sendable {
        /// Names of the temp and old folders removed.
        public var removed: [String] = []
        /// The old folder renamed back to the target (a kill between the two renames), if any.
        public var restoredFrom: String?
        public var isEmpty: Bool { removed.isEmpty && restoredFrom == nil }
    }

    /// Brings `target` back to a complete state after a kill during `write` (see the table
    /// at the top of this file): temp folders are removed; when `target` is missing, the
    /// newest old folder becomes `target` again; other old folders are removed.
    @discardableResult
    public static func recover(_ target: URL) throws -> Recovery {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        var recovery = Recovery()
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return recovery }
        let temps = names.filter { $0.hasPrefix(temporaryPrefix(target)) }.sorted()
        var olds = names.filter { $0.hasPrefix(oldPrefix(target)) }.sorted()
        for name in temps {
            try fm.removeItem(at: parent.appendingPathComponent(name))
            recovery.removed.append(name)
        }
        if !fm.fileExists(atPath: target.path), !olds.isEmpty {
            // Newest first: the folder's own modification time is when its last file was
            // created, i.e. when that complete version was written.
            func modified(_ name: String) -> Date {
                let attributes = try? fm.attributesOfItem(atPath: parent.appendingPathComponent(name).path)
                return attributes?[.modificationDate] as? Date ?? .distantPast
            }
            let newest = olds.max { modified($0) < modified($1) }!
            try fm.moveItem(at: parent.appendingPathComponent(newest), to: target)
            recovery.restoredFrom = newest
            olds.removeAll { $0 == newest }
        }
        for name in olds {
            try fm.removeItem(at: parent.appendingPathComponent(name))
            recovery.removed.append(name)
        }
        return recovery
    }
}
