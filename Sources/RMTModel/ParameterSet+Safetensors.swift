// ParameterSet+Safetensors: a parameter set filled from and written to a safetensors file by
// Hugging Face tensor names, strictly. Loading matches the file's header against the layout first
// (TensorMatching.swift: sizes, names, shapes — nothing is copied before that passes), then
// copies: F16/BF16 widen to F32, a NaN or infinity is an error naming the tensor.
import Foundation
import RMTSafetensors

extension ParameterSet {
    /// Fills every tensor of the layout from `file`: checks the whole header against the layout
    /// (`ParameterLayout.match`), then copies. Layout entries listed in `optional` may be absent
    /// (they keep their current values); known heads are skipped (`SkippedTensors`).
    /// - Returns: the match, with the absent entries and skipped tensors.
    @discardableResult
    public func load(from file: SafetensorsFile, optional: Set<String> = [], prefixToStrip: String? = nil) throws -> TensorMatch {
        let match = try layout.match(file, optional: optional, prefixToStrip: prefixToStrip)
        try fill(from: file, match)
        return match
    }

    /// Copies the tensors of an already checked `match` into this set.
    public func fill(from file: SafetensorsFile, _ match: TensorMatch) throws {
        for e in layout.entries {
            guard let name = match.source[e.name] else { continue }
            let destination = UnsafeMutableBufferPointer(start: storage.pointer + e.offset, count: e.count)
            do {
                try file.copyFloats(name, into: destination)
            } catch let error as SafetensorsError {
                throw ModelError(file.path, error.problem)
            }
            if !destination.allSatisfy(\.isFinite) {
                throw ModelError(file.path, "tensor \"\(name)\" contains NaN or infinite values")
            }
        }
    }

    /// Writes every tensor (F32, or F16 storage when `float16` is set) atomically.
    public func save(to url: URL, metadata: [String: String] = [:], float16: Bool = false) throws {
        var writer = SafetensorsWriter(metadata: metadata)
        for e in layout.entries {
            let values = Array(UnsafeBufferPointer(start: storage.pointer + e.offset, count: e.count))
            if float16 { try writer.addFloat16(e.name, shape: e.shape, floats: values) }
            else { try writer.add(e.name, shape: e.shape, floats: values) }
        }
        try writer.write(to: url)
    }
}
