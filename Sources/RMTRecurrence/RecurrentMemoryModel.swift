// RecurrentMemoryModel: a BERT backbone plus the RMT tensors — M memory embeddings and
// the answer head (BERT pooler + linear classifier over the labels) — with its tokenizer
// and settings; loading and saving the model folder format (Docs/file-formats.md).
//
// Any Hugging Face BERT folder can be wrapped: its backbone loads strictly by HF names (heads
// it does not need are skipped and listed in `skippedTensors`), its tokenizer casing comes from
// the folder, and the RMT tensors (and the pooler, if absent) start from a seeded N(0, 0.02) draw.
// Every size is checked against the tensor file before anything is allocated, and the public
// initialisers check the tokenizer (special tokens, size, casing), so nothing a user gives traps.
import Foundation
import RMTBase
import RMTKernels
import RMTModel
import RMTSafetensors
import RMTTokenizer

/// Names of the RMT-specific tensors in model.safetensors.
public enum RMTTensorName {
    /// (M, C) initial memory: the embeddings of the M memory tokens.
    public static let memoryEmbeddings = "rmt.memory_embeddings"
    /// (L, C) and (L): the answer classifier applied to the pooled [CLS].
    public static let classifierWeight = "rmt.classifier.weight"
    public static let classifierBias = "rmt.classifier.bias"
    /// (E·L, M·C) and (E·L): the state readout (StateReadout), when `settings.stateEntities` is set;
    /// (E·L, D) and (E·L) with a hidden layer (`settings.stateHidden` = D).
    public static let stateWeight = "rmt.state.weight"
    public static let stateBias = "rmt.state.bias"
    /// (D, M·C) and (D): the readout's hidden layer, when `settings.stateHidden` is set.
    public static let stateHiddenWeight = "rmt.state.hidden.weight"
    public static let stateHiddenBias = "rmt.state.hidden.bias"
    /// (C, C), (C, C) and (C): the memory gate (MemoryGate: W_h, W_p, b), when `settings.memoryGate`.
    public static let gateHiddenWeight = "rmt.memory_gate.hidden.weight"
    public static let gateMemoryWeight = "rmt.memory_gate.memory.weight"
    public static let gateBias = "rmt.memory_gate.bias"
    /// Whether `name` is one of the memory gate's tensors.
    public static func isMemoryGate(_ name: String) -> Bool {
        [gateHiddenWeight, gateMemoryWeight, gateBias].contains(name)
    }
    /// Whether `name` is one of the state readout's tensors.
    public static func isStateReadout(_ name: String) -> Bool {
        [stateWeight, stateBias, stateHiddenWeight, stateHiddenBias].contains(name)
    }
    /// Whether `name` is one of the answer head's tensors (AnswerHead): BERT's pooler and the
    /// classifier over it — what `rmt-train --backbone-lr 0` leaves trainable.
    public static func isAnswerHead(_ name: String) -> Bool {
        name.hasPrefix("pooler.") || name == classifierWeight || name == classifierBias
    }
}

/// A recurrent memory transformer ready to read documents.
public final class RecurrentMemoryModel: @unchecked Sendable {
    public let config: BertConfig
    public let settings: RMTSettings
    public let tokenizer: BertTokenizer
    /// BERT (with pooler) + RMT tensors in one flat buffer.
    public let parameters: ParameterSet
    public let encoder: BertEncoder
    /// The kernels, threads and switches this model runs with — its encoder's (set it before
    /// making sessions or processors: they read `fullLastLayer` when made).
    public var compute: ComputeOptions {
        get { encoder.compute }
        set { encoder.compute = newValue }
    }
    /// True when the RMT tensors were freshly initialised (answers are untrained).
    public let isUntrained: Bool
    /// Tensors of the loaded file that the model does not use (pretraining or task heads of a
    /// Hugging Face folder); empty for a model made in memory.
    public internal(set) var skippedTensors: [String] = []
    /// The ids of [CLS], [SEP] and [PAD] (checked to exist when the model is made).
    public let clsID: Int32, sepID: Int32, padID: Int32

    /// Most activation floats one segment may need (16 GiB as Float32), checked before allocating.
    public static let maximumActivationCount = 1 << 32

    /// The parameter layout of an RMT with `config` and `settings`.
    public static func layout(_ config: BertConfig, _ settings: RMTSettings) -> ParameterLayout {
        var layout = ParameterLayout.bert(config, pooler: true)
        layout.append(RMTTensorName.memoryEmbeddings, [settings.memoryTokens, config.hiddenSize], decays: true)
        layout.append(RMTTensorName.classifierWeight, [settings.labels.count, config.hiddenSize])
        layout.append(RMTTensorName.classifierBias, [settings.labels.count])
        if let entities = settings.stateEntities {
            let probes = entities.count * settings.labels.count, memory = settings.memoryTokens * config.hiddenSize
            if let hidden = settings.stateHidden {
                layout.append(RMTTensorName.stateHiddenWeight, [hidden, memory])
                layout.append(RMTTensorName.stateHiddenBias, [hidden])
            }
            layout.append(RMTTensorName.stateWeight, [probes, settings.stateHidden ?? memory])
            layout.append(RMTTensorName.stateBias, [probes])
        }
        if settings.hasMemoryGate {
            let C = config.hiddenSize
            layout.append(RMTTensorName.gateHiddenWeight, [C, C])
            layout.append(RMTTensorName.gateMemoryWeight, [C, C])
            layout.append(RMTTensorName.gateBias, [C])
        }
        return layout
    }

    /// Wraps existing parameters (their layout must equal `layout(config, settings)`).
    /// - Throws: `ModelError` when the config or settings are inconsistent, the tokenizer lacks
    ///   [CLS], [SEP] or [PAD], has another size than `vocab_size` or another casing than
    ///   `settings.lowercase`, or one segment's activations would exceed `maximumActivationCount`.
    public init(config: BertConfig, settings: RMTSettings, tokenizer: BertTokenizer, parameters: ParameterSet,
                isUntrained: Bool = false) throws {
        (clsID, sepID, padID) = try Self.check(config: config, settings: settings, tokenizer: tokenizer)
        guard parameters.layout == Self.layout(config, settings) else {
            throw ModelError("parameters", "layout does not match the RMT configuration")
        }
        self.config = config
        self.settings = settings
        self.tokenizer = tokenizer
        self.parameters = parameters
        self.isUntrained = isUntrained
        encoder = try BertEncoder(config: config, parameters: parameters)
    }

    /// Checks everything `init` needs before a parameter is allocated; returns [CLS] [SEP] [PAD].
    static func check(config: BertConfig, settings: RMTSettings, tokenizer: BertTokenizer,
                      source: String = "config") throws -> (Int32, Int32, Int32) {
        try config.validate(source: source)
        try settings.validate(against: config, source: source)
        let vocabulary = tokenizer.vocabulary
        guard vocabulary.count == config.vocabSize else {
            throw ModelError("tokenizer", "vocabulary has \(vocabulary.count) tokens but vocab_size is \(config.vocabSize)")
        }
        guard let cls = vocabulary.clsID, let sep = vocabulary.sepID, let pad = vocabulary.padID else {
            let missing = ["[CLS]", "[SEP]", "[PAD]"].filter { vocabulary.id(for: $0) == nil }
            throw ModelError("tokenizer", "vocabulary has no \(missing.joined(separator: ", ")) token (an RMT segment needs [CLS], [SEP] and [PAD])")
        }
        guard tokenizer.lowercase == settings.lowercase else {
            throw ModelError("tokenizer", "is \(tokenizer.lowercase ? "uncased" : "cased") but rmt.lowercase is \(settings.lowercase)")
        }
        let floats = BertActivations.floatCount(config: config, batchCapacity: 1, seqCapacity: settings.positionsPerSegment,
                                                keepAllLayers: false)
        guard floats <= maximumActivationCount else {
            throw ModelError(source, "a segment of \(settings.positionsPerSegment) positions would need \(floats / (1 << 28)) GiB of activations; use a shorter rmt.segment_length")
        }
        let total = layout(config, settings).count
        guard total <= ParameterLayout.maximumCount else {
            throw ModelError(source, "the model would have \(total) parameters, more than this package loads (\(ParameterLayout.maximumCount))")
        }
        return (cls, sep, pad)
    }

    /// A randomly initialised model (seeded).
    public convenience init(config: BertConfig, settings: RMTSettings, tokenizer: BertTokenizer, seed: UInt64) throws {
        _ = try Self.check(config: config, settings: settings, tokenizer: tokenizer)
        let params = ParameterSet(layout: Self.layout(config, settings))
        params.initializeBert(seed: seed)
        try self.init(config: config, settings: settings, tokenizer: tokenizer, parameters: params, isUntrained: true)
    }

    /// The same model (sharing its parameters) reading segments of `n` document tokens instead of
    /// `settings.segmentLength`. A relative position scheme runs at any length; a model with
    /// absolute position embeddings refuses a longer length than it was set up (trained) for.
    public func readingSegments(of n: Int) throws -> RecurrentMemoryModel {
        guard n != settings.segmentLength else { return self }
        guard n >= 1 else { throw ModelError("segment length", "must be positive, got \(n)") }
        if config.usesAbsolutePositions && n > settings.segmentLength {
            throw ModelError("segment length", "\(n) exceeds the model's segment length \(settings.segmentLength): its absolute position embeddings cannot read longer segments (a relative rmt_position scheme can)")
        }
        var s = settings
        s.segmentLength = n
        try s.validate(against: config)
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                        isUntrained: isUntrained)
    }

    /// The same model (sharing its parameters) with the question placed by `layout`
    /// (Docs/question-layout.md): the weights are unchanged, only how segments are filled.
    public func reading(questionLayout layout: QuestionLayout) throws -> RecurrentMemoryModel {
        guard layout != settings.questionLayout else { return self }
        var s = settings
        s.questionLayout = layout
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                        isUntrained: isUntrained)
    }

    /// The same model (its weights shared) reading each document `passes` times (1…8; 1 is
    /// recorded as nil, as a model made before passes existed): what `rmt-train --passes` trains
    /// and `rmt-train eval --passes` / `rmt-ask --passes` read with.
    public func reading(passes: Int) throws -> RecurrentMemoryModel {
        let recorded = passes == 1 ? nil : passes
        guard recorded != settings.passes else { return self }
        var s = settings
        s.passes = recorded
        try s.validate(against: config)
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: parameters,
                                        isUntrained: isUntrained)
    }

    /// The same weights answering from `labels` (a new model with its own parameters): the
    /// classifier rows (and each entity's rows of the state readout) of labels this model has are copied by name, a new label's row starts at
    /// zero weight and the mean bias (so it begins as likely as an average label and is learned).
    /// Everything else is copied unchanged. For fine-tuning a model on a task with more answers
    /// (e.g. `unknown`).
    public func answering(labels: [String]) throws -> RecurrentMemoryModel {
        guard labels != settings.labels else { return self }
        var s = settings
        s.labels = labels
        try s.validate(against: config)
        let layout = Self.layout(config, s)
        let params = ParameterSet(layout: layout)
        for entry in layout.entries where !Self.hasLabelRows(entry.name) {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        // Row blocks of L labels: the classifier's one, the state readout's one per entity.
        let blocks = [(RMTTensorName.classifierWeight, RMTTensorName.classifierBias, 1, config.hiddenSize),
                      (RMTTensorName.stateWeight, RMTTensorName.stateBias, settings.stateEntities?.count ?? 0,
                       settings.stateHidden ?? settings.memoryTokens * config.hiddenSize)]
        for (weightName, biasName, count, width) in blocks where count > 0 {
            let oldWeight = parameters.pointer(weightName), oldBias = parameters.values(biasName)
            let weight = params.pointer(weightName), bias = params.pointer(biasName)
            let (Lold, Lnew) = (settings.labels.count, labels.count)
            for block in 0..<count {
                let blockBias = oldBias[(block * Lold)..<((block + 1) * Lold)]
                let meanBias = blockBias.reduce(0, +) / Float(max(Lold, 1))
                for (row, label) in labels.enumerated() {
                    let to = block * Lnew + row
                    if let old = settings.labels.firstIndex(of: label) {
                        (weight + to * width).update(from: oldWeight + (block * Lold + old) * width, count: width)
                        bias[to] = oldBias[block * Lold + old]
                    } else {
                        (weight + to * width).update(repeating: 0, count: width)
                        bias[to] = meanBias
                    }
                }
            }
        }
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: params,
                                        isUntrained: isUntrained)
    }

    /// This model with an associative memory beside its memory tokens (Docs/associative-memory.md):
    /// every tensor copied, the new per-layer tensors initialised as `initializeBert` does (seeded;
    /// the value projection zero, so the new model answers exactly as this one until it trains).
    /// - Throws: `ModelError` when the model already has one (its own settings stay) or `settings`
    ///   are out of range.
    public func withAssociativeMemory(_ associative: AssociativeSettings, seed: UInt64) throws -> RecurrentMemoryModel {
        if let current = config.associative {
            throw ModelError("--associative", "the model already has an associative memory (key_size \(current.keySize), nu \(current.nu))")
        }
        var c = config
        c.associative = associative
        try c.validate(source: "--associative")
        let layout = Self.layout(c, settings)
        let params = ParameterSet(layout: layout)
        params.initializeBert(seed: seed)
        for entry in layout.entries where !AssociativeSettings.isTensor(named: entry.name) {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        return try RecurrentMemoryModel(config: c, settings: settings, tokenizer: tokenizer, parameters: params,
                                        isUntrained: isUntrained)
    }

    /// Whether tensor `name` has one row per label (what `answering(labels:)` maps by name).
    static func hasLabelRows(_ name: String) -> Bool {
        [RMTTensorName.classifierWeight, RMTTensorName.classifierBias, RMTTensorName.stateWeight, RMTTensorName.stateBias]
            .contains(name)
    }

    /// This model with a state readout placing `entities` (StateReadout; for the state loss): every
    /// tensor copied, the readout's drawn as `initializeBert` does (seeded) — a linear probe, or with
    /// `hidden` D a two-layer one. Answers are unchanged.
    /// - Throws: `ModelError` when the model already has one, `entities` are empty or repeated, or
    ///   `hidden` is out of range.
    public func withStateReadout(entities: [String], hidden: Int? = nil, seed: UInt64) throws -> RecurrentMemoryModel {
        if let current = settings.stateEntities {
            throw ModelError("--state-loss", "the model already has a state readout (entities \(current.joined(separator: ", ")))")
        }
        var s = settings
        s.stateEntities = entities
        s.stateHidden = hidden
        try s.validate(against: config, source: "--state-loss")
        let layout = Self.layout(config, s)
        let params = ParameterSet(layout: layout)
        params.initializeBert(seed: seed)
        for entry in self.parameters.layout.entries {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: params,
                                        isUntrained: isUntrained)
    }

    /// This model with a memory gate (MemoryGate; `rmt-train --memory-gate`): every tensor copied,
    /// the gate's weights zero and its bias `bias` in every channel — so each segment hands on
    /// σ(bias) of its new memory and 1 − σ(bias) of the memory that entered it until it trains
    /// (σ(3) = 0.953: near the ungated model).
    /// - Throws: `ModelError` when the model already has one, has a state readout, or `bias` is not finite.
    public func withMemoryGate(bias: Float) throws -> RecurrentMemoryModel {
        guard !settings.hasMemoryGate else { throw ModelError("--memory-gate", "the model already has a memory gate") }
        guard bias.isFinite else { throw ModelError("--memory-gate-bias", "must be a finite number, got \(bias)") }
        var s = settings
        s.memoryGate = true
        try s.validate(against: config, source: "--memory-gate")
        let layout = Self.layout(config, s)
        let params = ParameterSet(layout: layout)  // zeros
        for entry in parameters.layout.entries {
            params.pointer(entry.name).update(from: parameters.pointer(entry.name), count: entry.count)
        }
        params.pointer(RMTTensorName.gateBias).update(repeating: bias, count: config.hiddenSize)
        return try RecurrentMemoryModel(config: config, settings: s, tokenizer: tokenizer, parameters: params,
                                        isUntrained: isUntrained)
    }

    /// The memory gate's tensors in `set` (the parameters, or a gradient buffer with their layout);
    /// nil for a model without one.
    public func memoryGateTensors(_ set: ParameterSet) -> MemoryGate.Tensors? {
        guard settings.hasMemoryGate else { return nil }
        return MemoryGate.Tensors(hiddenWeight: set.pointer(RMTTensorName.gateHiddenWeight),
                                  memoryWeight: set.pointer(RMTTensorName.gateMemoryWeight),
                                  bias: set.pointer(RMTTensorName.gateBias))
    }

    /// The memory gate on this model's weights; nil for a model without one.
    public var memoryGate: MemoryGate? {
        memoryGateTensors(parameters).map { MemoryGate(weights: $0, channels: config.hiddenSize, compute: compute) }
    }

    /// The state readout's tensors in `set` (the parameters, or a gradient buffer with their
    /// layout); nil for a model without one.
    public func stateReadoutTensors(_ set: ParameterSet) -> StateReadout.Tensors? {
        guard settings.stateEntities != nil else { return nil }
        let hidden = settings.stateHidden == nil ? nil
            : (weight: set.pointer(RMTTensorName.stateHiddenWeight), bias: set.pointer(RMTTensorName.stateHiddenBias))
        return StateReadout.Tensors(weight: set.pointer(RMTTensorName.stateWeight), bias: set.pointer(RMTTensorName.stateBias),
                                    hidden: hidden)
    }

    /// The state readout on this model's weights; nil for a model without one.
    public var stateReadout: StateReadout? {
        stateReadoutTensors(parameters).map {
            StateReadout(weights: $0, entities: settings.stateEntities!.count, slots: settings.memoryTokens,
                         hidden: settings.stateHidden ?? 0,
                         channels: config.hiddenSize, classes: settings.labels.count, compute: compute)
        }
    }

    /// (M, C) initial memory.
    public var memoryEmbeddings: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.memoryEmbeddings) }
    /// (L, C)
    public var classifierWeight: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.classifierWeight) }
    /// (L)
    public var classifierBias: UnsafeMutablePointer<Float> { parameters.pointer(RMTTensorName.classifierBias) }

    /// The answer head's tensors in `set` (the parameters, or a gradient buffer with their layout).
    public func answerHeadTensors(_ set: ParameterSet) -> AnswerHead.Tensors {
        AnswerHead.Tensors(poolerWeight: set.pointer("pooler.dense.weight"), poolerBias: set.pointer("pooler.dense.bias"),
                           classifierWeight: set.pointer(RMTTensorName.classifierWeight),
                           classifierBias: set.pointer(RMTTensorName.classifierBias))
    }

    /// The answer head — classifier(tanh(pooler(h_cls))) — on this model's weights, with its compute options.
    public var answerHead: AnswerHead {
        AnswerHead(weights: answerHeadTensors(parameters), channels: config.hiddenSize, classes: settings.labels.count,
                   compute: compute)
    }

    /// Floats in one memory state: M × C.
    public var memoryCount: Int { settings.memoryTokens * config.hiddenSize }

    /// Floats a segment hands to the next, per sequence: the memory (M × C), then the associative
    /// memory's state when the model has one (L × (K·C + K); Docs/associative-memory.md).
    public var carriedCount: Int { memoryCount + encoder.associativeStateCount }

    // MARK: Loading

    /// Loads an RMT model folder, or wraps a Hugging Face BERT folder (config.json without an
    /// `rmt` section) with fresh RMT tensors drawn from `seed`. The tokenizer is `vocab.txt` or
    /// `tokenizer.json`; a wrapped folder's casing is its own (`tokenizer_config.json`'s
    /// `do_lower_case`, else tokenizer.json's normalizer, else `wrapSettings.lowercase`).
    /// Every size in config.json is checked against model.safetensors before anything is allocated.
    /// - Parameters:
    ///   - wrapSettings: settings for wrapping a plain BERT (default: 10 memory tokens, segment
    ///     499 or what fits, the bAbI room labels).
    ///   - fittingSegment: wrapping a plain BERT with `wrapSettings`, shorten its segment length to
    ///     what fits the position table beside the memory (for a length nobody asked for).
    public static func load(directory: URL, wrapSettings: RMTSettings? = nil, fittingSegment: Bool = false,
                            seed: UInt64 = 0) throws -> RecurrentMemoryModel {
        var rmtSection: RMTSettings?
        let folder = try ModelFolder.open(directory, configRead: { rmtSection = try readRMTSection($0) },
                                          tokenizerRead: { vocabulary, url in
            for special in ["[CLS]", "[SEP]", "[PAD]"] where vocabulary.id(for: special) == nil {
                throw ModelError(url.path, "has no \(special) token")
            }
        })
        let (config, configURL, file, definition, prefix) = (folder.config, folder.configURL, folder.weights, folder.tokenizer, folder.prefix)
        let vocabulary = definition.vocabulary

        var settings: RMTSettings
        let optional: Set<String>
        if let section = rmtSection {
            settings = section
            optional = []
        } else {  // a plain Hugging Face BERT: wrap it
            settings = wrapSettings ?? RMTSettings(labels: defaultLabels)
            if wrapSettings == nil || fittingSegment {
                settings.segmentLength = min(settings.segmentLength, config.maxPositionEmbeddings - settings.memoryTokens - 3)
            }
            settings.lowercase = definition.lowercase ?? settings.lowercase
            optional = ["pooler.dense.weight", "pooler.dense.bias", RMTTensorName.memoryEmbeddings,
                        RMTTensorName.classifierWeight, RMTTensorName.classifierBias]
        }
        let tokenizer = BertTokenizer(vocabulary: vocabulary, lowercase: settings.lowercase)
        _ = try check(config: config, settings: settings, tokenizer: tokenizer, source: configURL.path)
        let modelLayout = layout(config, settings)
        let match = try modelLayout.match(file, optional: optional, prefixToStrip: prefix)
        let params = ParameterSet(layout: modelLayout)
        if rmtSection == nil { params.initializeBert(seed: seed) }  // fresh values for what the file lacks
        try params.fill(from: file, match)
        let model = try RecurrentMemoryModel(config: config, settings: settings, tokenizer: tokenizer,
                                             parameters: params, isUntrained: rmtSection == nil)
        model.skippedTensors = match.skipped
        return model
    }

    static func readRMTSection(_ url: URL) throws -> RMTSettings? {
        struct Wrapper: Decodable { let rmt: RMTSettings? }
        let data = try Data(contentsOf: url)
        do { return try JSONDecoder().decode(Wrapper.self, from: data).rmt } catch let error as DecodingError {
            throw ModelError(url.path, "invalid rmt section: \(describeDecodingError(error))")
        }
    }

    // MARK: Saving

    /// Writes config.json, model.safetensors and vocab.txt into `directory`, replacing it
    /// atomically: everything is written to a sibling temp folder which is then renamed.
    public func save(to directory: URL, float16: Bool = false, metadata: [String: String] = [:]) throws {
        try AtomicDirectory.write(directory) { temp in
            try writeFiles(into: temp, float16: float16, metadata: metadata)
        }
    }

    /// Writes the three model files into an existing folder (not atomic by itself).
    public func writeFiles(into folder: URL, float16: Bool = false, metadata: [String: String] = [:]) throws {
        try configJSON().write(to: folder.appendingPathComponent("config.json"))
        try parameters.save(to: folder.appendingPathComponent("model.safetensors"), metadata: metadata, float16: float16)
        let vocab = tokenizer.vocabulary
        let text = (0..<vocab.count).map { vocab.token(for: Int32($0)) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: folder.appendingPathComponent("vocab.txt"))
    }

    /// config.json: the Hugging Face BERT fields plus the `rmt` section.
    public func configJSON() throws -> Data {
        struct Combined: Encodable {
            let bert: BertConfig
            let rmt: RMTSettings
            enum Keys: String, CodingKey { case rmt, modelType = "model_type", architectures }
            func encode(to encoder: any Encoder) throws {
                try bert.encode(to: encoder)
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(rmt, forKey: .rmt)
                try c.encode("bert", forKey: .modelType)
                try c.encode(["RecurrentMemoryTransformer"], forKey: .architectures)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(Combined(bert: config, rmt: settings))
    }
}
