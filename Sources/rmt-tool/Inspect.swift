// rmt-tool inspect: describes a safetensors file or a model folder — config, tensor names,
// shapes, dtypes and the parameter count.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the config, tensors (name, dtype, shape) and parameter count of a file or model folder.")

    @Argument(help: "A .safetensors file or a model folder.")
    var path: String

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
                   let obj = try? JSONSerialization.jsonObject(with: raw) as? [String: Any],
                   let rmt = obj["rmt"], let data = try? JSONSerialization.data(withJSONObject: rmt, options: [.sortedKeys]) {
                    print("  rmt: \(String(decoding: data, as: UTF8.self))")
                }
            }
            let file = isDir.boolValue ? try ModelFolder.openWeights(fileURL) : try SafetensorsFile(contentsOf: fileURL)
            print("file: \(file.path)")
            if !file.metadata.isEmpty {
                print("metadata: " + file.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
            let width = file.tensors.map(\.name.count).max() ?? 0
            var parameters = 0
            for t in file.tensors {
                print("  " + t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(t.dtype.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0))  \(t.shape)")
                if t.dtype == .f32 || t.dtype == .f16 || t.dtype == .bf16 || t.dtype == .f64 { parameters += t.elementCount }
            }
            print("tensors: \(file.tensors.count), parameters (floating point): \(parameters) (\(String(format: "%.2f", Double(parameters) / 1e6))M)")
        }
    }
}
