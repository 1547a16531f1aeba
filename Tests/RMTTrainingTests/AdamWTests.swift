// AdamW against a plain Double twin of its update (moments, bias correction, decoupled weight
// decay on matrices only), and its per-entry learning-rate factors: the associative memory's
// tensors at --associative-lr / --lr, a position scheme's at --position-lr / --lr, the backbone
// (all but the answer head) at --backbone-lr / --lr — 0 freezes it bit for bit — and the head at
// the step's rate (TrainingOptions.learningRateScales); options saved before the factors existed
// decode without them.
import Foundation
import Testing
import RMTBase
import RMTModel
import RMTTraining

/// Two matrices (decayed) and a bias (not decayed), one of the matrices an associative tensor.
private func smallLayout() -> ParameterLayout {
    var layout = ParameterLayout()
    layout.append("encoder.layer.0.attention.self.query.weight", [2, 3])
    layout.append(AssociativeSettings.tensorName(layer: 0, "value.weight"), [3, 2])
    layout.append("encoder.layer.0.attention.self.query.bias", [2])
    return layout
}

/// Plain-loop AdamW in Double over `steps` gradients, each entry at lr × its factor.
private func doubleAdamW(_ p0: [Double], gradients: [[Double]], lr: [Double], scales: [Double], layout: ParameterLayout,
                         settings: AdamWSettings) -> [Double] {
    var p = p0, m = [Double](repeating: 0, count: p0.count), v = m
    let (b1, b2, eps) = (Double(settings.beta1), Double(settings.beta2), Double(settings.epsilon))
    for (t, g) in gradients.enumerated() {
        let c1 = 1 - pow(b1, Double(t + 1)), c2 = 1 - pow(b2, Double(t + 1))
        for (e, entry) in layout.entries.enumerated() {
            let wd = entry.decays ? Double(settings.weightDecay) : 0, rate = lr[t] * scales[e]
            for i in entry.offset..<(entry.offset + entry.count) {
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                p[i] -= rate * ((m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + wd * p[i])
            }
        }
    }
    return p
}

@Test(arguments: [nil, [Float(1), 20, 1], [0.5, 2, 3]] as [[Float]?])
func adamWMatchesItsDoubleTwin(scales: [Float]?) {
    let layout = smallLayout()
    let settings = AdamWSettings(weightDecay: 0.1)
    var g = SplitMix64(seed: 7)
    let p0 = (0..<layout.count).map { _ in Double(2 * g.nextUniform() - 1) }
    let grads = (0..<3).map { _ in (0..<layout.count).map { _ in Double(4 * g.nextUniform() - 2) } }
    let lr: [Float] = [1e-2, 3e-3, 5e-4]

    let params = ParameterSet(layout: layout), gradients = ParameterSet(layout: layout)
    for i in 0..<layout.count { params.storage.pointer[i] = Float(p0[i]) }
    let adam = AdamW(layout: layout, settings: settings, entryScales: scales)
    for t in 0..<3 {
        for i in 0..<layout.count { gradients.storage.pointer[i] = Float(grads[t][i]) }
        adam.update(parameters: params, gradients: gradients, learningRate: lr[t])
    }
    let want = doubleAdamW(p0, gradients: grads,
                           lr: lr.map(Double.init), scales: (scales ?? [1, 1, 1]).map(Double.init), layout: layout, settings: settings)
    for i in 0..<layout.count {
        #expect(abs(Double(params.storage.pointer[i]) - want[i]) < 1e-6, "parameter \(i): \(params.storage.pointer[i]) vs \(want[i])")
    }
    // The factors matter: with them, the scaled entries moved differently from a factor-free run.
    if let scales, scales != [1, 1, 1] {
        let plain = doubleAdamW(p0, gradients: grads,
                                lr: lr.map(Double.init), scales: [1, 1, 1], layout: layout, settings: settings)
        let moved = layout.entry(AssociativeSettings.tensorName(layer: 0, "value.weight"))!.offset
        #expect(abs(Double(params.storage.pointer[moved]) - plain[moved]) > 1e-4)
    }
}

@Test func associativeLearningRateScalesOnlyTheAssociativeTensors() throws {
    var options = TrainingOptions()
    options.learningRate = 5e-5
    #expect(options.learningRateScales(smallLayout()) == [1, 1, 1])
    options.associativeLearningRate = 1e-3
    let scales = options.learningRateScales(smallLayout())
    #expect(scales[0] == 1 && scales[2] == 1 && abs(scales[1] - 20) < 1e-4, "\(scales)")
    try options.validate()
    options.associativeLearningRate = 0
    #expect(throws: OptionsError.self) { try options.validate() }

    // A run saved before --associative-lr existed (phase 12's options.json, session 18) resumes
    // without it: nil, --lr for every tensor.
    let saved = #"""
        {"advance_tasks": ["babi-qa2"], "batch_size": 8, "clip_norm": 1, "eval_every": 100, "eval_samples": 340,
         "keep_optimizer": false, "learning_rate": 5e-05, "max_segments": 4, "max_steps_per_stage": 600,
         "memory_efficient": false, "patience": 3, "seed": 121, "start_segments": 2, "sum_loss": false,
         "target_accuracy": 0.9, "warmup": 50, "weight_decay": 0.01}
        """#
    let state = #"{"best_accuracy": 0.7253521, "data_position": 1904, "evals_without_improvement": 0, "finished": false, "segments": 2, "step": 238, "step_in_stage": 238}"#
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adamw-options-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data(saved.utf8).write(to: dir.appendingPathComponent("options.json"))
    try Data(state.utf8).write(to: dir.appendingPathComponent("trainer-state.json"))
    let (decoded, _) = try Trainer.readCheckpointState(dir)
    #expect(decoded.associativeLearningRate == nil && decoded.positionLearningRate == nil && decoded.learningRate == 5e-5)
}

@Test func positionLearningRateScalesOnlyThePositionTensors() throws {
    var layout = smallLayout()
    layout.append(PositionSettings.tensorName(layer: 0, "type_bias"), [2, 5, 5])
    layout.append(PositionSettings.tensorName(layer: 1, "kerple_r1"), [2, 2])
    layout.append("encoder.layer.0.attention.self.key.weight", [2, 3])
    var options = TrainingOptions()
    options.learningRate = 1e-4
    #expect(options.learningRateScales(layout) == [1, 1, 1, 1, 1, 1])
    options.positionLearningRate = 1e-2
    options.associativeLearningRate = 1e-3
    let scales = options.learningRateScales(layout)
    // query, associative value, query bias, type_bias, kerple_r1, key: 1, 10, 1, 100, 100, 1.
    let want: [Float] = [1, 10, 1, 100, 100, 1]
    for (got, w) in zip(scales, want) { #expect(abs(got - w) < 1e-3 * w, "\(scales)") }
    try options.validate()
    for bad: Float in [0, -1, .nan, .infinity] {
        options.positionLearningRate = bad
        #expect(throws: OptionsError.self) { try options.validate() }
    }
    // The factor reaches AdamW: one step with a gradient of 1 everywhere moves a position entry
    // 100× as far as a backbone entry (Adam's first step is lr · sign(g) before decay).
    options.positionLearningRate = 1e-2
    let params = ParameterSet(layout: layout)
    let grads = ParameterSet(layout: layout)
    for i in 0..<layout.count { grads.storage.pointer[i] = 1 }
    let adam = AdamW(layout: layout, settings: AdamWSettings(weightDecay: 0),
                     entryScales: options.learningRateScales(layout))
    adam.update(parameters: params, gradients: grads, learningRate: options.learningRate)
    let backbone = params.storage.pointer[layout.entry("encoder.layer.0.attention.self.key.weight")!.offset]
    let position = params.storage.pointer[layout.entry(PositionSettings.tensorName(layer: 0, "type_bias"))!.offset]
    #expect(abs(backbone + 1e-4) < 1e-7 && abs(position + 1e-2) < 1e-5, "\(backbone) \(position)")
}

@Test func backboneLearningRateZeroFreezesEverythingButTheHead() throws {
    var layout = smallLayout()
    layout.append("pooler.dense.weight", [3, 3])
    layout.append("pooler.dense.bias", [3])
    layout.append("rmt.classifier.weight", [7, 3])
    layout.append("rmt.classifier.bias", [7])
    layout.append("rmt.memory_embeddings", [2, 3])
    var options = TrainingOptions()
    options.learningRate = 1e-3
    options.associativeLearningRate = 2e-3
    options.backboneLearningRate = 0
    try options.validate()
    // query, associative value (its own rate), query bias, the four head tensors, memory tokens.
    #expect(options.learningRateScales(layout) == [0, 2, 0, 1, 1, 1, 1, 0])
    options.backboneLearningRate = 1e-4
    let tenth = options.learningRateScales(layout)
    #expect(abs(tenth[0] - 0.1) < 1e-6 && tenth[3] == 1 && abs(tenth[7] - 0.1) < 1e-6, "\(tenth)")
    for bad: Float in [-1e-5, .nan, .infinity] {
        options.backboneLearningRate = bad
        #expect(throws: OptionsError.self) { try options.validate() }
    }
    // Through AdamW (weight decay on): a frozen entry keeps every bit, the head moves.
    options.backboneLearningRate = 0
    let params = ParameterSet(layout: layout)
    let grads = ParameterSet(layout: layout)
    for i in 0..<layout.count { params.storage.pointer[i] = 0.5 + Float(i) * 0.01; grads.storage.pointer[i] = 1 }
    let before = Array(params.storage.buffer)
    let adam = AdamW(layout: layout, settings: AdamWSettings(weightDecay: 0.01), entryScales: options.learningRateScales(layout))
    for _ in 0..<3 { adam.update(parameters: params, gradients: grads, learningRate: options.learningRate) }
    for (entry, scale) in zip(layout.entries, options.learningRateScales(layout)) {
        let range = entry.offset..<(entry.offset + entry.count)
        let moved = range.filter { params.storage.pointer[$0] != before[$0] }.count
        #expect(scale == 0 ? moved == 0 : moved == entry.count, "\(entry.name): \(moved) of \(entry.count) moved")
    }
}
