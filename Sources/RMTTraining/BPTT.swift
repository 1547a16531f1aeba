// BPTT: forward and backward of the RMT over all segments of a batch of documents —
// back-propagation through the memory, llm.c style: forward list, then the same list
// reversed, gradients ADDED into one flat buffer with the parameters' layout.
//
// Modes (see Docs/training.md):
//   full             every segment keeps its activations; gradient flows through all memories.
//   truncated(k)     gradient flows through the last k segments only (k = 1: the final
//                    segment alone); segments before them run without storing activations.
//                    The official code's `bptt_depth` d corresponds to k = d + 1.
//   memoryEfficient  full gradient, but only the memory entering each segment (M×C per
//                    sequence) is kept; each segment is recomputed during the backward pass,
//                    so activation memory does not grow with the number of segments.
// Loss (SegmentLoss): cross-entropy of the final segment's answer (mean over the batch); or the
// sum over segments of each segment's loss against the final answer (`everySegment`, the
// official code's `sum_loss`); or the sum over segments of each segment's loss against the
// answer the document gives up to that segment's end (`prefix`: the batch's `segmentLabels`,
// `unknown` before the fact; a label −1 scores nothing for that sequence and segment).
// The state loss (`stateLossWeight` w > 0, `--state-loss`): besides, the model's StateReadout reads
// the memory leaving every segment k and is scored against the batch's `stateLabels[k]` (where
// each person and object is after the facts read so far); it adds w · (1/N) Σ_k loss_k to the
// objective, reported apart as `BatchResult.stateLoss`, and reaches the encoder only through the
// memory rows of each segment's last hidden state.
// Memory distillation (`distillation`, `--distill-memory DIR`; MemoryDistillation.swift): a frozen
// teacher reads the same segments, and w · (1/N) Σ_k mean (S_k − T_k)² of the memory tokens each
// segment hands on is added to the objective (reported apart as `BatchResult.distillLoss`, before
// w); like the state loss it reaches the encoder through the memory rows of each last hidden state.
// Loss temperatures (`lossTemperatures`, `--loss-temperature TASK=T`): a document of a task named
// there is scored on logits / T (its gradient follows), the others on the logits themselves; the
// answers, the accuracy and the logits reported are the model's own.
// The memory gate (a model with `rmt.memory_gate`, MemoryGate.swift): the memory leaving segment k
// is Z ⊙ H + (1 − Z) ⊙ P of its hidden memory rows H and the memory P that entered it; the backward
// recomputes Z from P (kept per segment) and H, hands dH to the encoder's memory rows, and adds dP
// to the gradient of the memory entering k beside the encoder's own. The gate penalty (`gatePenalty`
// λ > 0, `--gate-penalty`): λ · the mean of Z over every segment that hands its memory on (0..<N−1),
// sequence, slot and channel is added to the objective — a price on each channel of new memory a
// segment lets in, so that prose which asks for none leaves the memory as it found it. Reported apart
// as `BatchResult.gateShare` (the mean itself, before λ; logged for every gated model); its gradient
// λ / (B·M·C·(N − 1)) on every entry of Z enters the gate's backward at every such segment.
// The move penalty (`movePenalty` μ > 0, `--move-penalty`; MemoryMove.swift): μ · the mean over the
// segments that hand on a memory another segment wrote (1..<N−1) and the sequences of ‖O − P‖² / ‖P‖²
// (the memory tokens leaving a segment against those that entered it) is added to the objective; every
// run of more than two segments reports that mean as `BatchResult.memoryMove` (before μ). Its gradient
// enters the memory leaving the segment (through the gate, for a gated model) and the memory entering it.
// Its `quiet` scope (`moveScope`, `--move-penalty-scope quiet`) prices only the (segment, sequence) pairs
// whose segment holds no token of a fact (the batch's `factSegments`), still divided by B·(N − 2): the
// memory may move where a fact is read, and is asked to stay where none is.
import RMTKernels
import RMTModel
import RMTRecurrence

/// How gradients flow back through the memory.
public enum BPTTMode: Sendable, Equatable {
    case full
    case truncated(depth: Int)
    case memoryEfficient
}

/// Which segments the loss scores, and against which labels.
public enum SegmentLoss: String, Sendable, CaseIterable {
    /// The final segment, against the answer.
    case finalSegment = "final"
    /// Every segment, each against the final answer (`--sum-loss`).
    case everySegment = "sum"
    /// Every segment, each against the answer of the document read so far (`--prefix-loss`:
    /// `SegmentBatch.segmentLabels`, from `Sample.segmentLabels`).
    case prefix

    /// Whether segment k of N has a loss.
    func scores(_ k: Int, of N: Int) -> Bool { self != .finalSegment || k == N - 1 }
}

/// One training batch: B documents of N segments with one answer label each.
public struct SegmentBatch: Sendable {
    /// contents[k][b]: the document tokens of segment k of sequence b (≤ S tokens each;
    /// the final segment holds the question, per the question layout).
    public var contents: [[[Int32]]]
    /// (B) answer label indices.
    public var labels: [Int32]
    /// segmentLabels[k][b]: the label segment k of sequence b is scored against under
    /// `SegmentLoss.prefix` (−1: not scored); the last row equals `labels`. nil when the data
    /// does not define them (Sample.segmentLabels).
    public var segmentLabels: [[Int32]]?
    /// (B) the task of each document (for per-task validation accuracy), or nil.
    public var tasks: [String]?
    /// The document tokens per segment the batch was made for (`--data-segment-length`, drawn
    /// per batch from a range); nil = the model's segment length.
    public var segmentLength: Int?
    /// stateLabels[k]: (B, E) the state readout's targets after segment k — for each sequence the
    /// label of each entity's room (WorldStates), −1 = not scored; nil when the data defines none.
    public var stateLabels: [[Int32]]?
    /// factSegments[k][b]: whether segment k of sequence b holds a token of a fact (Sample.factSegments;
    /// what the move penalty's `quiet` scope spares); nil when the data does not say.
    public var factSegments: [[Bool]]?

    public init(contents: [[[Int32]]], labels: [Int32], segmentLabels: [[Int32]]? = nil, tasks: [String]? = nil,
                segmentLength: Int? = nil, stateLabels: [[Int32]]? = nil, factSegments: [[Bool]]? = nil) {
        self.stateLabels = stateLabels
        self.factSegments = factSegments
        self.contents = contents
        self.labels = labels
        self.segmentLabels = segmentLabels
        self.tasks = tasks
        self.segmentLength = segmentLength
    }

    public var segmentCount: Int { contents.count }
    public var batchSize: Int { labels.count }

    /// The batch as a model that reads each document `passes` times sees it (`RMTSettings.passes`):
    /// (N·passes) segments, its N segments again after its last, the loss on the last. Per-segment
    /// and state labels describe one reading, so they are dropped (rmt-train refuses --prefix-loss
    /// and --state-loss with --passes); the facts are in the same segments of every reading.
    public func read(passes: Int) -> SegmentBatch {
        guard passes > 1 else { return self }
        return SegmentBatch(contents: Array(repeatElement(contents, count: passes).joined()), labels: labels,
                            tasks: tasks, segmentLength: segmentLength,
                            factSegments: factSegments.map { Array(repeatElement($0, count: passes).joined()) })
    }

    /// The positions the encoder computes for this batch: per segment, B rows as long as its
    /// longest sequence ([CLS], M memory slots, [SEP], the tokens, [SEP]), as SegmentProcessor
    /// pads them — fewer than B·N·(M + S + 3) when the segments are shorter than the model's.
    public func positions(memoryTokens M: Int) -> Int {
        contents.reduce(0) { $0 + batchSize * (M + 3 + $1.reduce(0) { max($0, $1.count) }) }
    }
}

/// Result of one forward/backward pass.
public struct BatchResult: Sendable {
    /// Mean cross-entropy (summed over the scored segments, SegmentLoss).
    public var loss: Float
    /// Sequences whose final-segment prediction equals the label.
    public var correct: Int
    /// (B, L) final-segment logits.
    public var logits: [Float]
    /// The state loss (1/N) Σ_k loss_k before its weight (0 without it), the (sequence, entity,
    /// segment) triples it scored and those whose top label was right.
    public var stateLoss: Float = 0, stateScored = 0, stateCorrect = 0
    /// The memory distillation's (1/N) Σ_k mean squared difference before its weight (0 without it).
    public var distillLoss: Float = 0
    /// A gated model's mean Z over the segments that hand their memory on (0..<N−1), sequences,
    /// slots and channels: the share of new memory let in (the gate penalty's term before λ); nil
    /// without a gate or for one segment.
    public var gateShare: Float? = nil
    /// The mean over the segments that hand on a memory another segment wrote (1..<N−1) and the
    /// sequences of the memory tokens' squared relative move ‖O − P‖² / ‖P‖² (MemoryMove; the move
    /// penalty's term before μ); nil for one or two segments.
    public var memoryMove: Float? = nil
    /// The relative moves of the (segment 1..<N−1, sequence) pairs whose segment holds no fact, summed, and how
    /// many pairs that is (the batch's `factSegments`: the pairs the quiet scope prices); nil for one or two
    /// segments or a batch that does not say where its facts are. A sum, not a mean, so that ranks add up.
    public var quietMove: (sum: Double, pairs: Int)? = nil
    /// The mean of `quietMove` (metrics.jsonl's `memory_move_quiet`); nil where no pair is quiet.
    public var quietMoveMean: Float? { quietMove.flatMap { $0.pairs > 0 ? Float($0.sum / Double($0.pairs)) : nil } }
}

/// Computes the loss and parameter gradients of an RMT over whole documents.
public final class BPTTEngine: @unchecked Sendable {
    public let model: RecurrentMemoryModel
    public let mode: BPTTMode
    public let segmentLoss: SegmentLoss
    /// The state loss's weight w (0: none; the model needs a state readout).
    public let stateLossWeight: Float
    /// Task name → the temperature its documents' answer loss reads the logits at (absent: 1).
    public let lossTemperatures: [String: Float]
    /// The frozen teacher whose memory each segment's is pulled toward, and the weight (nil: none).
    public let distillation: MemoryDistillation?
    /// The gate penalty's λ (0: none; the model needs a memory gate).
    public let gatePenalty: Float
    /// The move penalty's μ (0: none; MemoryMove.swift).
    public let movePenalty: Float
    /// The segments the move penalty prices.
    public let moveScope: MoveScope
    public let batchCapacity: Int
    /// Gradients, same layout as `model.parameters`; `lossAndGradients` adds into them.
    public let gradients: ParameterSet

    let processor: SegmentProcessor
    /// The answer head on the parameters (with the model's compute options as they are now),
    /// and its tensors' gradients in `gradients`.
    var head: AnswerHead { model.answerHead }
    let headGradients: AnswerHead.Tensors
    /// The state readout's tensors' gradients in `gradients` (nil for a model without one).
    let stateGradients: StateReadout.Tensors?
    let scratch: BertGradientScratch
    /// Activations that keep every layer, one per segment that needs a backward pass
    /// (grown on demand; a single one in memory-efficient mode), each as long as the longest
    /// segment read so far — not the model's full segment: a batch of 128-token data segments
    /// needs about an eighth of the floats (the attention probabilities grow as T²).
    var stored: [BertActivations] = []

    /// Floats the stored activations hold now (what training keeps per step beyond the weights,
    /// gradients and optimizer state; grows with the segments a backward pass needs).
    public var storedActivationFloats: Int {
        stored.reduce(0) {
            $0 + BertActivations.floatCount(config: model.config, batchCapacity: batchCapacity, seqCapacity: $1.seqCapacity,
                                            keepAllLayers: true)
        }
    }
    /// Inference-only activations for segments that need no backward pass.
    let passthrough: BertActivations
    /// (B, T, C) gradient of the last hidden state and of the word-embedding rows of one segment.
    let dHidden: FloatBuffer, dWords: FloatBuffer
    /// The memory gate and its tensors' gradients (nil for a model without one); (B, M, C) the
    /// gradient of the memory leaving a segment and, through the gate's carry, of the one entering
    /// it; (M, C) the gate's Z and scratch rows of one sequence.
    let gate: MemoryGate?, gateGradients: MemoryGate.Tensors?
    let dGateOut: FloatBuffer, dGateIn: FloatBuffer, gateRows: FloatBuffer, gateScratch: FloatBuffer

    public init(model: RecurrentMemoryModel, batchCapacity: Int, mode: BPTTMode, segmentLoss: SegmentLoss = .finalSegment,
                stateLossWeight: Float = 0, lossTemperatures: [String: Float] = [:], distillation: MemoryDistillation? = nil,
                gatePenalty: Float = 0, movePenalty: Float = 0, moveScope: MoveScope = .all) {
        self.model = model
        self.moveScope = moveScope
        self.gatePenalty = gatePenalty
        self.movePenalty = movePenalty
        self.distillation = distillation
        self.stateLossWeight = stateLossWeight
        self.lossTemperatures = lossTemperatures
        self.mode = mode
        self.segmentLoss = segmentLoss
        self.batchCapacity = batchCapacity
        gradients = ParameterSet(layout: model.parameters.layout)
        processor = SegmentProcessor(model: model, batchCapacity: batchCapacity)
        headGradients = model.answerHeadTensors(gradients)
        stateGradients = model.stateReadoutTensors(gradients)
        let T = model.settings.positionsPerSegment
        scratch = BertGradientScratch(config: model.config, batchCapacity: batchCapacity, seqCapacity: T)
        passthrough = processor.activations
        passthrough.isTraining = true  // its memory is what the backward's recomputation must reproduce
        dHidden = FloatBuffer(count: batchCapacity * T * model.config.hiddenSize)
        dWords = FloatBuffer(count: batchCapacity * T * model.config.hiddenSize)
        gate = model.memoryGate
        gateGradients = model.memoryGateTensors(gradients)
        let gated = gate == nil ? 0 : model.settings.memoryTokens * model.config.hiddenSize  // M·C
        (dGateOut, dGateIn) = (FloatBuffer(count: batchCapacity * gated), FloatBuffer(count: batchCapacity * gated))
        (gateRows, gateScratch) = (FloatBuffer(count: gated), FloatBuffer(count: gated))
    }

    /// Stored activations `i`, holding at least `positions` positions per sequence (made, or made
    /// again longer, on demand).
    func storedActivations(_ i: Int, positions: Int) -> BertActivations {
        func make() -> BertActivations {
            BertActivations(config: model.config, batchCapacity: batchCapacity, seqCapacity: positions, keepAllLayers: true)
        }
        while stored.count <= i { stored.append(make()) }
        if stored[i].seqCapacity < positions { stored[i] = make() }
        return stored[i]
    }

    /// (B) the temperature of each document's answer loss (`lossTemperatures` by its task, 1 for
    /// a task not named); nil when no temperature is set. A batch whose documents do not say their
    /// task cannot be scored by task: a `ModelError`.
    func rowTemperatures(_ batch: SegmentBatch) throws -> [Float]? {
        guard !lossTemperatures.isEmpty else { return nil }
        guard let tasks = batch.tasks, tasks.count == batch.batchSize else {
            throw ModelError("batch", "loss temperatures are set per task, and these documents do not say their task")
        }
        return tasks.map { lossTemperatures[$0] ?? 1 }
    }

    /// Number of trailing segments the memory gradient flows through.
    func depth(_ N: Int) -> Int {
        switch mode {
        case .full, .memoryEfficient: N
        case .truncated(let k): min(max(k, 1), N)
        }
    }

    /// Forward and backward over `batch`; gradients are ADDED into `gradients`
    /// (call `gradients.storage.zero()` between optimizer steps).
    public func lossAndGradients(_ batch: SegmentBatch) throws -> BatchResult {
        let N = batch.segmentCount, B = batch.batchSize
        guard N >= 1, B >= 1, B <= batchCapacity, batch.contents.allSatisfy({ $0.count == B }) else {
            throw ModelError("batch", "expected \(B) sequences in each of \(N) segments (capacity \(batchCapacity))")
        }
        let L = model.settings.labels.count
        if let bad = batch.labels.first(where: { $0 < 0 || Int($0) >= L }) {
            throw ModelError("batch", "label \(bad) outside 0..<\(L)")
        }
        let targets = try segmentTargets(batch, classes: L)
        let temperatures = try rowTemperatures(batch)  // (B) or nil
        let scored = { (k: Int) in self.segmentLoss.scores(k, of: N) }
        let (readout, states) = try stateTargets(batch, classes: L)
        let d = depth(N)
        let memCount = model.memoryCount, stride = model.carriedCount  // memory tokens; all a segment hands on
        // The gate penalty's gradient on each entry of Z at segment k: λ / (B·M·C·(N − 1)) where k hands
        // its memory on, else 0.
        let penaltyPerEntry = gate != nil && gatePenalty > 0 && N > 1 ? gatePenalty / Float(B * memCount * (N - 1)) : 0
        let gatePenaltyGradient = { (k: Int) -> Float in k < N - 1 ? penaltyPerEntry : 0 }
        // The move penalty's weight on each sequence's relative move at segment k: μ / (B·(N − 2)) where
        // k hands on a memory an earlier segment wrote (1 ≤ k < N − 1), else 0.
        let movePerSequence = movePenalty > 0 && N > 2 ? movePenalty / Float(B * (N - 2)) : 0
        let moveWeight = { (k: Int) -> Float in k >= 1 && k < N - 1 ? movePerSequence : 0 }
        // …and on sequence b's: the quiet scope spares a segment that holds a fact.
        let facts = batch.factSegments.flatMap { $0.count == N && $0.allSatisfy({ $0.count == B }) ? $0 : nil }  // (N, B)
        if moveScope == .quiet && movePerSequence != 0 && facts == nil {
            throw ModelError("batch", "the move penalty's quiet scope spares the segments that hold a fact, and this batch does not say which do")
        }
        let spared = moveScope == .quiet ? facts : nil
        let sequenceMoveWeight = { (k: Int, b: Int) -> Float in spared?[k][b] == true ? 0 : moveWeight(k) }
        // Segments before this need no backward: every segment has one with a state, distillation, gate or move loss.
        let firstWithGradient = segmentLoss == .finalSegment && readout == nil && distillation == nil && penaltyPerEntry == 0
            && movePerSequence == 0 ? N - d : 0
        let needsBackward = { (k: Int) in k >= firstWithGradient }
        let associative = model.config.associative != nil
        // T of the batch's longest segment ([CLS], memory, [SEP], tokens, [SEP]); never more than the
        // model's segment (a longer content is refused by the step).
        let longest = min(model.settings.memoryTokens + 3 + batch.contents.joined().reduce(0) { max($0, $1.count) },
                          model.settings.positionsPerSegment)
        var memory = processor.initialMemory(batch: B)  // (B, stride)
        // (N, B, stride) what enters each segment: memory-efficient mode recomputes from it; the gate and
        // the associative memory's backward read it; the move is measured against it.
        var memoryIn: [[Float]] = []
        /// `body(move, P, O)` on sequence b's memory tokens entering segment k (P) and leaving it (O, what entered k + 1).
        func withMove<R>(_ k: Int, _ b: Int, _ body: (MemoryMove, UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
            memoryIn[k].withUnsafeBufferPointer { entered in
                memoryIn[k + 1].withUnsafeBufferPointer { left in
                    let p = entered.baseAddress! + b * stride, o = left.baseAddress! + b * stride
                    return body(MemoryMove(entering: p, leaving: o, count: memCount), p, o)
                }
            }
        }
        var slotOf = [Int](repeating: -1, count: N)
        var loss: Float = 0
        var lastLogits: [Float] = []
        var heads: [Int: AnswerHead.Activations] = [:]  // the head of each segment with a loss
        var readouts: [Int: StateReadout.Activations] = [:]  // the state readout of each segment
        var state = (loss: Float(0), scored: 0, correct: 0)
        let stateScale = stateLossWeight / Float(N)  // w · (1/N) Σ_k
        var distillLoss: Float = 0  // its gradients: distillation.gradients[k] (B, M·C) per segment
        var gateSum = 0.0  // Σ over segments 0..<N−1 of the batch's mean Z
        var moveSum = 0.0  // Σ over segments 1..<N−1 and sequences of the relative move
        var quietSum = 0.0, quietPairs = 0  // …over those pairs whose segment holds no fact
        distillation?.begin(batch: B, segments: N)

        // Forward over the segments.
        for k in 0..<N {
            let acts: BertActivations
            memoryIn.append(memory)
            if k > 1 {  // the move of segment k − 1, now that what it handed on is here
                for b in 0..<B {
                    let r = withMove(k - 1, b) { m, _, _ in m.relative }
                    moveSum += r
                    if facts?[k - 1][b] == false { (quietSum, quietPairs) = (quietSum + r, quietPairs + 1) }
                }
            }
            if mode == .memoryEfficient {
                acts = passthrough
            } else if needsBackward(k) {
                slotOf[k] = k - firstWithGradient
                acts = storedActivations(slotOf[k], positions: longest)
            } else {
                acts = passthrough
            }
            try memory.withUnsafeMutableBufferPointer {
                try processor.step(contents: batch.contents[k], memory: $0.baseAddress!, activations: acts)
            }
            if gate != nil && k < N - 1 {
                gateSum += processor.gateShares.reduce(0.0) { $0 + Double($1) } / Double(B)
            }
            if scored(k) {
                var h = head.forward(acts)
                loss += head.loss(&h, labels: targets(k), temperatures: temperatures)
                heads[k] = h
                if k == N - 1 { lastLogits = h.logits }
            }
            if let readout, let states {
                var r = readout.forward(lastHidden: acts.lastHiddenState, batch: B, seqLen: acts.seqLen)
                let scoredHere = readout.loss(&r, targets: states[k])
                state = (state.loss + scoredHere.loss / Float(N), state.scored + scoredHere.scored,
                         state.correct + scoredHere.correct)
                readouts[k] = r
            }
            if let distillation {
                distillLoss += try memory.withUnsafeBufferPointer {
                    try distillation.score(contents: batch.contents[k], student: $0.baseAddress!, stride: stride, segment: k, of: N)
                } / Float(N)
            }
        }

        // Backward, the same list reversed.
        let C = model.config.hiddenSize, M = model.settings.memoryTokens
        // (B, stride) gradient of what leaves segment k: the memory tokens', then the associative
        // state's (which the encoder's backward turns, in place, into the gradient of what entered).
        var dMemory = [Float](repeating: 0, count: B * stride)
        var hasMemoryGradient = false
        for k in Swift.stride(from: N - 1, through: 0, by: -1) {
            let hasLoss = scored(k), hasStateLoss = readout != nil, penalty = gatePenaltyGradient(k), moved = moveWeight(k)
            guard hasLoss || hasStateLoss || distillation != nil || penalty != 0 || moved != 0 || hasMemoryGradient else { continue }
            if associative && !hasMemoryGradient {  // nothing after segment k reads its state's gradient
                for b in 0..<B { for i in memCount..<stride { dMemory[b * stride + i] = 0 } }
            }
            let acts: BertActivations
            if mode == .memoryEfficient {
                acts = storedActivations(0, positions: longest)
                var m = memoryIn[k]
                try m.withUnsafeMutableBufferPointer {
                    try processor.step(contents: batch.contents[k], memory: $0.baseAddress!, activations: acts)
                }
            } else {
                precondition(slotOf[k] >= 0, "segment \(k) has no stored activations")
                acts = stored[slotOf[k]]
            }
            let T = acts.seqLen
            dHidden.pointer.update(repeating: 0, count: B * T * C)
            if hasLoss {
                if mode == .memoryEfficient {  // the segment was recomputed: so is its head
                    var h = head.forward(acts)
                    head.loss(&h, labels: targets(k), temperatures: temperatures)
                    heads[k] = h
                }
                head.backward(heads[k]!, labels: targets(k), grads: headGradients, dHidden: dHidden.pointer)
            }
            if let readout, let states, let stateGradients {
                if mode == .memoryEfficient {  // the segment was recomputed: so is its readout
                    var r = readout.forward(lastHidden: acts.lastHiddenState, batch: B, seqLen: T)
                    readout.loss(&r, targets: states[k])
                    readouts[k] = r
                }
                readout.backward(readouts[k]!, targets: states[k], scale: stateScale, grads: stateGradients,
                                 dHidden: dHidden.pointer, seqLen: T)
            }
            // The gradient of the memory leaving segment k (from later segments, the distillation or the
            // move term): into the hidden memory rows directly, or through the gate (which also hands part
            // of it to the memory that entered, dGateIn), with the gate penalty's gradient on Z where it has
            // one. None leaves the last scored segment: no gate work.
            let gateCarries = gate != nil && (hasMemoryGradient || distillation != nil || penalty != 0 || moved != 0)
            let leaving = gateCarries ? dGateOut.pointer : nil  // (B, M, C)
            leaving?.update(repeating: 0, count: B * memCount)
            if hasMemoryGradient {
                for b in 0..<B {
                    let row = leaving.map { $0 + b * memCount } ?? dHidden.pointer + (b * T + 1) * C
                    dMemory.withUnsafeBufferPointer { addForward(out: row, a: row, b: $0.baseAddress! + b * stride, count: memCount) }
                }
            }
            if let distillation {
                for b in 0..<B {
                    let row = leaving.map { $0 + b * memCount } ?? dHidden.pointer + (b * T + 1) * C
                    distillation.gradients[k].withUnsafeBufferPointer { addForward(out: row, a: row, b: $0.baseAddress! + b * memCount, count: memCount) }
                }
            }
            if moved != 0 {  // ∂r/∂O into the memory leaving k (memoryIn[k + 1])
                for b in 0..<B {
                    let row = leaving.map { $0 + b * memCount } ?? dHidden.pointer + (b * T + 1) * C
                    withMove(k, b) {
                        $0.addGradients(weight: sequenceMoveWeight(k, b), entering: $1, leaving: $2, count: memCount, dLeaving: row, dEntering: nil)
                    }
                }
            }
            if let gate, let gateGradients, let leaving {
                dGateIn.pointer.update(repeating: 0, count: B * memCount)
                let hidden = acts.lastHiddenState
                for b in 0..<B {
                    memoryIn[k].withUnsafeBufferPointer { entered in
                        let h = hidden + (b * T + 1) * C, p = entered.baseAddress! + b * stride
                        gate.gate(hidden: h, previous: p, rows: M, into: gateRows.pointer, scratch: gateScratch.pointer)
                        gate.backward(dOut: leaving + b * memCount, hidden: h, previous: p, gate: gateRows.pointer, rows: M,
                                      grads: gateGradients, dHidden: dHidden.pointer + (b * T + 1) * C,
                                      dPrevious: dGateIn.pointer + b * memCount, scratch: gateScratch.pointer,
                                      gateGradient: penalty)
                    }
                }
            }
            func encoderBackward(_ state: AssociativeGradientStep?) {
                model.encoder.backward(acts, dHidden: dHidden.pointer, grads: gradients, scratch: scratch,
                                       dWordEmbeddings: dWords.pointer, associative: state)
            }
            if associative {  // the state's gradient sits after each sequence's memory tokens in dMemory
                memoryIn[k].withUnsafeBufferPointer { before in
                    dMemory.withUnsafeMutableBufferPointer { d in
                        encoderBackward(AssociativeGradientStep(stateBefore: before.baseAddress! + memCount,
                                                                stateGradient: d.baseAddress! + memCount, stride: stride))
                    }
                }
            } else {
                encoderBackward(nil)
            }
            model.encoder.scatterWordEmbeddingGradients(acts, dWordEmbeddings: dWords.pointer, grads: gradients) { _, t in
                t >= 1 && t <= M
            }
            // The memory entering segment k: its gradient flows on into segment k − 1 only
            // within the truncation depth; for k = 0 it is the memory embeddings' gradient.
            for b in 0..<B {
                dMemory.withUnsafeMutableBufferPointer {
                    let entering = $0.baseAddress! + b * stride
                    entering.update(from: dWords.pointer + (b * T + 1) * C, count: memCount)
                    if gateCarries { addForward(out: entering, a: entering, b: dGateIn.pointer + b * memCount, count: memCount) }
                    if moved != 0 {  // ∂r/∂P into the memory entering k
                        withMove(k, b) {
                            $0.addGradients(weight: sequenceMoveWeight(k, b), entering: $1, leaving: $2, count: memCount,
                                            dLeaving: nil, dEntering: entering)
                        }
                    }
                }
            }
            hasMemoryGradient = k > N - d
            if k == 0 && d == N {  // the memory embeddings; the associative state starts at zero, a constant
                let g = gradients.pointer(RMTTensorName.memoryEmbeddings)
                for b in 0..<B { dMemory.withUnsafeBufferPointer { addForward(out: g, a: g, b: $0.baseAddress! + b * stride, count: memCount) } }
            }
        }
        let correct = (0..<B).filter { b in
            let row = lastLogits[(b * L)..<((b + 1) * L)]
            return argmax(row) == Int(batch.labels[b])
        }.count
        return BatchResult(loss: loss, correct: correct, logits: lastLogits, stateLoss: state.loss, stateScored: state.scored,
                           stateCorrect: state.correct, distillLoss: distillLoss,
                           gateShare: gate != nil && N > 1 ? Float(gateSum / Double(N - 1)) : nil,
                           memoryMove: N > 2 ? Float(moveSum / Double(B * (N - 2))) : nil,
                           quietMove: N > 2 && facts != nil ? (quietSum, quietPairs) : nil)
    }

    /// The state readout and its targets per segment (N rows of B·E, each −1 or a label) when the
    /// state loss is on and the batch has state labels; (nil, nil) otherwise.
    /// - Throws: when the loss is on and the model has no readout, or the rows are malformed.
    func stateTargets(_ batch: SegmentBatch, classes L: Int) throws -> (StateReadout?, [[Int32]]?) {
        guard stateLossWeight > 0 else { return (nil, nil) }
        guard let readout = model.stateReadout else {
            throw ModelError("batch", "the state loss needs a model with a state readout (rmt.state_entities)")
        }
        guard let rows = batch.stateLabels else { return (nil, nil) }
        let N = batch.segmentCount, width = batch.batchSize * readout.entities
        guard rows.count == N, rows.allSatisfy({ $0.count == width }) else {
            throw ModelError("batch", "expected \(N) rows of \(width) state labels (\(readout.entities) entities), got \(rows.map(\.count))")
        }
        if let bad = rows.joined().first(where: { $0 < -1 || Int($0) >= L }) {
            throw ModelError("batch", "state label \(bad) outside -1..<\(L)")
        }
        return (readout, rows)
    }

    /// The labels segment k is scored against: the batch's `segmentLabels[k]` under `.prefix`
    /// (checked: N rows of B, each −1 or a label, the last equal to `labels`), else `labels`.
    func segmentTargets(_ batch: SegmentBatch, classes L: Int) throws -> (Int) -> [Int32] {
        guard segmentLoss == .prefix else { return { _ in batch.labels } }
        let N = batch.segmentCount, B = batch.batchSize
        guard let rows = batch.segmentLabels else {
            throw ModelError("batch", "the prefix loss needs per-segment labels, and this batch has none (its data does not define the answer of a document read in part)")
        }
        guard rows.count == N, rows.allSatisfy({ $0.count == B }) else {
            throw ModelError("batch", "expected \(N) rows of \(B) per-segment labels, got \(rows.map(\.count))")
        }
        if let bad = rows.joined().first(where: { $0 < -1 || Int($0) >= L }) {
            throw ModelError("batch", "per-segment label \(bad) outside -1..<\(L)")
        }
        guard rows[N - 1] == batch.labels else {
            throw ModelError("batch", "the final segment's per-segment labels differ from the answers")
        }
        return { rows[$0] }
    }
}
