// DefaultLocations: where the project's tools look for things when not told — the MiniLM folder
// of Scripts/fetch-minilm.sh, its vocabulary, and the model shipped in the package.
import Foundation

/// Where the project's tools look for things by default.
public enum DefaultLocations {
    /// The all-MiniLM-L6-v2 folder of Scripts/fetch-minilm.sh: $RMT_MINILM_DIR, else
    /// ${XDG_CACHE_HOME:-~/.cache}/rmt/all-MiniLM-L6-v2.
    public static var miniLMDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let d = env["RMT_MINILM_DIR"] { return URL(fileURLWithPath: d) }
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return cache.appendingPathComponent("rmt/all-MiniLM-L6-v2")
    }

    /// The default model shipped in the package, `<package>/Models/default`, found from this
    /// source file's path: it works for a package checkout and for a SwiftPM dependency (built
    /// from its checkout), from any working directory. Not copied into the build products.
    public static var bundledModel: URL {
        // <package>/Sources/RMTModel/DefaultLocations.swift → <package>/Models/default
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/default")
    }

    /// The uncased BERT vocabulary used by presets: the MiniLM one.
    public static var vocabulary: URL { miniLMDirectory.appendingPathComponent("vocab.txt") }
}
