// rmt-tool inspect: describes a safetensors file or a model folder — config, tensor names,
// shapes, dtypes and the parameter count; with --stats each floating tensor's rms and largest
// |value| (is a module training? e.g. the associative memory's value projections, which start at
// zero), with --match only the tensors whose name contains a string.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the config, tensors (name, dtype, shape) and parameter count of a file or model folder.")

    @Argument(help: "A .safetensors file or a model folder.")
    var path: String
    @Flag(help: "Also each floating-point tensor's rms and largest |value|.") var stats = false
    @Option(help: "Only the tensors whose name contains this string (e.g. rmt_associative.value).") var match: String?

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ModelError(path, "no such file or folder")
            }
            let fileURL = URL(fileURLWithPath: path)
            if isDir.boolValue {
                let configURL = fileURL.appendingPathComponent("config.json")
                let config = try BertConfig.load(contentsOf: configURL)
                print("config: \(configURL.path)")
                print("  layers \(config.numHiddenLayers), hidden \(config.hiddenSize), heads \(config.numAttentionHeads), " +
                      "ffn \(config.intermediateSize), vocab \(config.vocabSize), positions \(config.maxPositionEmbeddings), " +
                      "types \(config.typeVocabSize), eps \(config.layerNormEps)")
                if let raw = try? Data(contentsOf: configURL),
                   let obj = try? JSONSerialization.jsonObject(with: raw) as? [String: Any] {
                    for key in ["rmt", "rmt_position", "rmt_associative"] {  // the RMT objects beside BERT's fields
                        if let value = obj[key], let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
                            print("  \(key): \(String(decoding: data, as: UTF8.self))")
                        }
                    }
                }
            }
            let file = isDir.boolValue ? try ModelFolder.openWeights(fileURL) : try SafetensorsFile(contentsOf: fileURL)
            print("file: \(file.path)")
            if !file.metadata.isEmpty {
                print("metadata: " + file.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
            let tensors = file.tensors.filter { t in match.map { t.name.contains($0) } ?? true }
            if let match, tensors.isEmpty { throw ModelError(file.path, "no tensor name contains \"\(match)\"") }
            let width = tensors.map(\.name.count).max() ?? 0
            var parameters = 0
            for t in tensors {
                let floating = t.dtype == .f32 || t.dtype == .f16 || t.dtype == .bf16 || t.dtype == .f64
                var line = "  " + t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(t.dtype.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(t.shape)"
                if stats && floating {
                    let (rms, largest) = Self.statistics(try file.floats(t.name))
                    line += String(format: "  rms %.4g  max|x| %.4g", rms, largest)
                }
                print(line)
                if floating { parameters += t.elementCount }
            }
            let shown = match == nil ? "" : " (of \(file.tensors.count), names containing \"\(match!)\")"
            print("tensors: \(tensors.count)\(shown), parameters (floating point): \(parameters) (\(String(format: "%.2f", Double(parameters) / 1e6))M)")
        }
    }

    /// Root mean square and largest magnitude of `values` (Double sums; 0 and 0 when empty).
    static func statistics(_ values: [Float]) -> (rms: Double, largest: Double) {
        guard !values.isEmpty else { return (0, 0) }
        var squares = 0.0, largest = 0.0
        for v in values { squares += Double(v) * Double(v); largest = max(largest, abs(Double(v))) }
        return ((squares / Double(values.count)).squareRoot(), largest)
    }
}
