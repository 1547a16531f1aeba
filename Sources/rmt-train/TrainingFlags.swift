// TrainingFlags: rmt-train's training flags in three groups, each mapping onto its part of
// TrainingOptions (`apply`) and listing its flags against a saved run (`savedFlags`, for
// --resume). The flags are optional underneath (defaults from TrainingOptions) so that --resume
// can tell a flag given from a default. Flag names are those of the flat list they replace.
import ArgumentParser
import RMT
import RMTCommandLine

/// The curriculum: stages from --start-segments to --max-segments and when a stage ends.
struct CurriculumFlags: ParsableArguments {
    @Option(help: "Segments per document in the first stage. (default: 1)") var startSegments: Int?
    @Option(help: "Segments per document in the last stage. (default: 2)") var maxSegments: Int?
    @Option(help: ArgumentHelp("Each training batch reads documents of N to the stage's number of segments.",
                               discussion: "The count is drawn per step, uniformly from N to the stage's count, by the run's seed (a resume draws the same), so that one stage trains on short and long documents together and the memory stays in use while short documents add volume (BABILong's vary_n_segments). Validation reads the stage's count (or --eval-segments). N is 1 to --start-segments. (default: every batch at the stage's count)"))
    var varySegmentsFrom: Int?
    @Option(help: ArgumentHelp("Validate on documents of N segments at every stage.",
                               discussion: "A stage's target, patience and the best model it keeps are then judged at N segments, e.g. longer than any stage, so that the model kept is the one that carries furthest. (default: the stage's number of segments)"))
    var evalSegments: Int?
    @Option(help: "Advance when validation accuracy reaches this, in (0, 1]. (default: 0.95)") var targetAccuracy: Float?
    @Option(help: "Step budget of one stage. (default: 1000)") var maxStepsPerStage: Int?
    @Option(help: "Evaluate and checkpoint every N steps. (default: 100)") var evalEvery: Int?
    @Option(help: "Validation documents per evaluation. (default: 200)") var evalSamples: Int?
    @Option(help: "Advance (or stop) after N evaluations without improvement. (default: 5)") var patience: Int?
    @Option(help: ArgumentHelp("Judge each stage (target, patience, the best model kept) by these tasks' validation documents only.",
                               discussion: "Comma-separated task names as in --task, e.g. memorize,detect,babi-qa1; the other tasks are still trained and reported. (default: every task)",
                               valueName: "tasks"))
    var advanceOn: String?

    /// --advance-on's task names as the tasks name themselves (`memorize-distract:1-3`, the
    /// default count, is `memorize-distract`), since the validation documents carry those; a
    /// name that is no task stays as given and is refused against --task later. nil = not
    /// given; empty names are dropped, and an empty list is refused by TrainingOptions.
    var advanceTasks: [String]? {
        advanceOn.map { list in
            TaskCatalog.names(inList: list).map(trainedTaskName)
        }
    }

    /// Each flag once: its name, the value given, and the TrainingOptions field it sets.
    private var bindings: [FlagBinding] {
        [
            FlagBinding("--start-segments", startSegments, \.startSegments),
            FlagBinding("--max-segments", maxSegments, \.maxSegments),
            FlagBinding("--target-accuracy", targetAccuracy, \.targetAccuracy),
            FlagBinding("--max-steps-per-stage", maxStepsPerStage, \.maxStepsPerStage),
            FlagBinding("--eval-every", evalEvery, \.evalEvery),
            FlagBinding("--eval-samples", evalSamples, \.evalSamples),
            FlagBinding("--patience", patience, \.patience),
        ]
    }

    func apply(to o: inout TrainingOptions) {
        for binding in bindings { binding.apply(&o) }
        if let advanceTasks { o.advanceTasks = advanceTasks }
        if let varySegmentsFrom { o.varySegmentsFrom = varySegmentsFrom }
        if let evalSegments { o.evalSegments = evalSegments }
    }

    func savedFlags(_ saved: TrainingOptions) -> [SavedFlag] {
        bindings.map { $0.savedFlag(saved) }
            + [SavedFlag(flag: "--vary-segments-from", given: text(varySegmentsFrom), saved: text(saved.varySegmentsFrom))]
            + [SavedFlag(flag: "--eval-segments", given: text(evalSegments), saved: text(saved.evalSegments))]
            + [SavedFlag(flag: "--advance-on", given: advanceTasks?.sorted().joined(separator: ","),  // a set: order is not a change
                         saved: saved.advanceTasks?.sorted().joined(separator: ","))]
    }
}

/// The optimizer: batch, AdamW, schedule and clipping.
struct OptimizerFlags: ParsableArguments {
    @Option(help: "Documents per batch. (default: 8)") var batchSize: Int?
    @Option(help: "Peak learning rate. (default: 1e-4)") var lr: Float?
    @Option(help: ArgumentHelp("Peak learning rate of the associative memory's tensors (a model with --associative).",
                               discussion: "The same warm-up and decay as --lr. A memory added to a pretrained model starts from zero values and barely moves at a fine-tuning rate; e.g. --lr 5e-5 --associative-lr 1e-3. (default: --lr)"))
    var associativeLr: Float?
    @Option(help: ArgumentHelp("Peak learning rate of a relative position scheme's tensors (a model with --position).",
                               discussion: "The same warm-up and decay as --lr. A scheme put on a pretrained model (--model DIR --position SCHEME) starts its terms fresh, and at a fine-tuning rate they barely move; e.g. --lr 1e-4 --position-lr 1e-2. (default: --lr)"))
    var positionLr: Float?
    @Option(help: ArgumentHelp("Peak learning rate of the state readout's tensors (with --state-loss).",
                               discussion: "The same warm-up and decay as --lr. The readout starts fresh beside a trained model; e.g. --lr 3e-5 --state-lr 1e-3. (default: --lr)"))
    var stateLr: Float?
    @Option(help: ArgumentHelp("Peak learning rate of the memory gate's tensors (a model with --memory-gate).",
                               discussion: "The same warm-up and decay as --lr. The gate starts at one bias beside a trained model and barely moves at a fine-tuning rate; e.g. --lr 2e-5 --gate-lr 1e-3. (default: --lr)"))
    var gateLr: Float?
    @Option(help: ArgumentHelp("Peak learning rate of the backbone: every tensor but the answer head (pooler, classifier) and those with a rate of their own.",
                               discussion: "The same warm-up and decay as --lr. 0 freezes the backbone and trains the head alone: linear probing before fine-tuning (LP-FT), e.g. --lr 1e-3 --backbone-lr 0, then a run from that model. (default: --lr)"))
    var backboneLr: Float?
    @Option(help: "Warm-up steps (linear), then linear decay. (default: 100)") var warmup: Int?
    @Option(help: "AdamW weight decay (not on biases or LayerNorm). (default: 0.01)") var weightDecay: Float?
    @Option(help: "Clip the gradient's global norm (0 = off). (default: 1)") var clip: Float?
    @Option(help: "Clip each gradient value to ±this (off by default).") var clipValue: Float?

    /// The flags that set one TrainingOptions field each (--clip maps 0 to "off", below).
    private var bindings: [FlagBinding] {
        [
            FlagBinding("--batch-size", batchSize, \.batchSize),
            FlagBinding("--lr", lr, \.learningRate),
            FlagBinding("--warmup", warmup, \.warmup),
            FlagBinding("--weight-decay", weightDecay, \.weightDecay),
        ]
    }

    func apply(to o: inout TrainingOptions) {
        for binding in bindings { binding.apply(&o) }
        if let clip { o.clipNorm = clip > 0 ? clip : nil }
        o.clipValue = clipValue
        if let associativeLr { o.associativeLearningRate = associativeLr }
        if let positionLr { o.positionLearningRate = positionLr }
        if let stateLr { o.stateLearningRate = stateLr }
        if let gateLr { o.gateLearningRate = gateLr }
        if let backboneLr { o.backboneLearningRate = backboneLr }
    }

    func savedFlags(_ saved: TrainingOptions) -> [SavedFlag] {
        bindings.map { $0.savedFlag(saved) } + [
            SavedFlag(flag: "--clip", given: text(clip.map { $0 > 0 ? $0 : 0 }), saved: "\(saved.clipNorm ?? 0)"),
            SavedFlag(flag: "--clip-value", given: text(clipValue), saved: text(saved.clipValue)),
            SavedFlag(flag: "--associative-lr", given: text(associativeLr), saved: text(saved.associativeLearningRate)),
            SavedFlag(flag: "--position-lr", given: text(positionLr), saved: text(saved.positionLearningRate)),
            SavedFlag(flag: "--state-lr", given: text(stateLr), saved: text(saved.stateLearningRate)),
            SavedFlag(flag: "--gate-lr", given: text(gateLr), saved: text(saved.gateLearningRate)),
            SavedFlag(flag: "--backbone-lr", given: text(backboneLr), saved: text(saved.backboneLearningRate)),
        ]
    }
}

/// How the loss reaches back through the memory, and the optimizer across stages. --bptt spells the
/// mode as rmt-tool bench does; --bptt-depth N (= truncated:N) and --memory-efficient stay accepted.
struct BackpropFlags: ParsableArguments {
    @Option(help: "Gradient flow through the memory: full, memory-efficient or truncated:K (the last K segments). (default: full)")
    var bptt: BPTTModeArgument?
    @Option(help: "Back-propagate through the last N segments only (the same as --bptt truncated:N).") var bpttDepth: Int?
    @Flag(help: "Keep only memory states and recompute segments in the backward pass (the same as --bptt memory-efficient).")
    var memoryEfficient = false
    @Flag(help: "Sum the answer loss over every segment, not only the final one.") var sumLoss = false
    @Flag(help: "Sum the loss over every segment, each against the answer of the document read so far (unknown before the fact; models with the question in every segment).")
    var prefixLoss = false
    @Option(help: ArgumentHelp("Also score the memory leaving every segment on where each person and object is, with this weight.",
                               discussion: "A state readout (a probe per person and object on the whole memory: linear, or two layers with --state-hidden) is added to a model without one and trained against the world state after the facts read so far (bAbI, memorize, detect and distractor tasks; Docs/training.md). It adds W × the mean over segments of its cross-entropy to the loss; metrics.jsonl logs state_loss and state_accuracy. (default: off)",
                               valueName: "W"))
    var stateLoss: Float?
    @Option(help: ArgumentHelp("A gated model (--memory-gate): add L × the mean share of new memory its gate lets in to the loss.",
                               discussion: "The mean of Z over every segment that hands its memory on, every slot and channel: a price on each channel a segment writes, so that text which asks for nothing leaves the memory as it found it and a fact is kept across many segments (Docs/training.md, \"The memory gate\"). metrics.jsonl logs gate_share (the mean, before L) for every gated model. (default: off)",
                               valueName: "L"))
    var gatePenalty: Float?
    @Option(help: ArgumentHelp("Add M × the mean squared relative move of the memory per segment to the loss.",
                               discussion: "‖O − P‖² / ‖P‖² of the memory tokens each segment hands on (O) against those it received (P), averaged over every segment but the first (which writes into the initial memory) and the last, and every document: a price on how far a segment moves the memory, so that text which asks for nothing leaves it as it found it, which a gate's share alone does not ensure (Docs/training.md, \"The move penalty\"). Any model without an associative memory. metrics.jsonl logs memory_move (the mean, before M) for every run of more than two segments. (default: off)",
                               valueName: "M"))
    var movePenalty: Float?
    @Option(help: ArgumentHelp("Which segments --move-penalty prices: all, or quiet (those that hold no token of a fact).",
                               discussion: "quiet: a segment in which a planted fact is read may move the memory as far as it needs; every other segment is priced as with all (the mean's divisor stays every segment but the first and the last). (default: all)",
                               valueName: "SCOPE"))
    var movePenaltyScope: MoveScope?
    @Option(help: ArgumentHelp("With --state-loss: the readout added gets a hidden layer of D units (GELU), not the linear probe.",
                               discussion: "Only when the readout is added (a model that has one keeps its own; another D is refused). (default: linear)",
                               valueName: "D"))
    var stateHidden: Int?
    @Option(help: ArgumentHelp("Score the answers of these tasks' documents on logits / T (TASK=T, comma-separated).",
                               discussion: "The calibration a task needs (T > 1: answers less sure, e.g. a task the model often gets wrong with confidence) is then left to T instead of asked of the weights; answers, accuracy and validation are the model's own. Fit T with `rmt-tool calibrate` on a task's own predictions. (default: every task at 1)",
                               valueName: "TASK=T,…"))
    var lossTemperature: String?
    @Option(help: ArgumentHelp("Hold the memory each segment hands on near this frozen model's for the same text (memory distillation).",
                               discussion: "The teacher (an RMT model folder with the model's memory size, hidden size, vocabulary and question layout; typically the --model a fine-tune starts from) reads every training document beside the model, and W × the mean over segments of the mean squared difference of the memory tokens leaving each segment is added to the loss; metrics.jsonl logs distill_loss (before W). The teacher's weights are fingerprinted: a --resume with changed weights is refused (Docs/training.md). (default: off)",
                               valueName: "DIR"))
    var distillMemory: String?
    @Option(help: ArgumentHelp("With --distill-memory: the distillation loss's weight W. (default: 1)", valueName: "W"))
    var distillWeight: Float?
    @Flag(help: "Keep the optimizer state and schedule across stages.") var keepOptimizer = false

    /// --distill-memory and --distill-weight as the options record them (an absolute path); nil when not given.
    var memoryTeacher: MemoryTeacher? {
        distillMemory.map { MemoryTeacher(path: absolutePaths([$0])[0], weight: distillWeight ?? 1) }
    }

    /// --loss-temperature's pairs (task names as the tasks name themselves, as --advance-on's), in
    /// the order given; nil when not given. A pair that is not TASK=number is a usage error.
    func lossTemperatures() throws -> [TaskTemperature]? {
        guard let lossTemperature else { return nil }
        var pairs: [TaskTemperature] = []
        for item in lossTemperature.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let t = Float(parts[1]) else {
                throw ValidationError("--loss-temperature takes TASK=T pairs, e.g. babi-qa3=1.5; got \"\(item.prefix(40))\"")
            }
            let name = String(parts[0])
            let task = trainedTaskName(name)
            guard !pairs.contains(where: { $0.task == task }) else { throw ValidationError("--loss-temperature names \(task) twice") }
            pairs.append(TaskTemperature(task: task, temperature: t))
        }
        return pairs
    }

    /// --loss-temperature's pairs as saved text, sorted (a set: order is not a change).
    static func temperaturesText(_ temperatures: [TaskTemperature]?) -> String? {
        temperatures.map { $0.sorted { $0.task < $1.task }.map { "\($0.task)=\($0.temperature)" }.joined(separator: ",") }
    }

    func validate() throws {
        if let bptt, bpttDepth != nil || memoryEfficient {
            let old = bpttDepth.map { "--bptt-depth \($0)" } ?? "--memory-efficient"
            throw ValidationError("--bptt \(bptt) and \(old) say the same thing twice; give one")
        }
        _ = try lossTemperatures()
        if let stateHidden {
            guard stateLoss != nil else { throw ValidationError("--state-hidden shapes the readout --state-loss adds; give --state-loss W too") }
            guard (1...65536).contains(stateHidden) else { throw ValidationError("--state-hidden must be 1…65536, got \(stateHidden)") }
        }
    }

    func apply(to o: inout TrainingOptions) {
        o.bpttDepth = bpttDepth
        o.memoryEfficient = memoryEfficient
        switch bptt?.mode {
        case .full?: (o.bpttDepth, o.memoryEfficient) = (nil, false)
        case .truncated(let k)?: (o.bpttDepth, o.memoryEfficient) = (k, false)
        case .memoryEfficient?: (o.bpttDepth, o.memoryEfficient) = (nil, true)
        case nil: break
        }
        o.sumLoss = sumLoss
        o.prefixLoss = prefixLoss ? true : nil
        o.keepOptimizer = keepOptimizer
        if let stateLoss { o.stateLoss = stateLoss }
        if let gatePenalty { o.gatePenalty = gatePenalty }
        if let movePenalty { o.movePenalty = movePenalty }
        if let movePenaltyScope { o.moveScope = movePenaltyScope }
        if let temperatures = try? lossTemperatures() { o.lossTemperatures = temperatures }
        if let memoryTeacher { o.memoryTeacher = memoryTeacher }
    }

    func savedFlags(_ saved: TrainingOptions) -> [SavedFlag] {
        func on(_ flag: Bool) -> String? { flag ? "on" : nil }
        return [
            SavedFlag(flag: "--bptt", given: bptt?.description, saved: BPTTModeArgument(saved.bpttMode).description),
            SavedFlag(flag: "--bptt-depth", given: text(bpttDepth), saved: text(saved.bpttDepth)),
            SavedFlag(flag: "--memory-efficient", given: on(memoryEfficient), saved: on(saved.memoryEfficient), isSwitch: true),
            SavedFlag(flag: "--sum-loss", given: on(sumLoss), saved: on(saved.sumLoss), isSwitch: true),
            SavedFlag(flag: "--prefix-loss", given: on(prefixLoss), saved: on(saved.prefixLoss == true), isSwitch: true),
            SavedFlag(flag: "--keep-optimizer", given: on(keepOptimizer), saved: on(saved.keepOptimizer), isSwitch: true),
            SavedFlag(flag: "--state-loss", given: text(stateLoss), saved: text(saved.stateLoss)),
            SavedFlag(flag: "--gate-penalty", given: text(gatePenalty), saved: text(saved.gatePenalty)),
            SavedFlag(flag: "--move-penalty", given: text(movePenalty), saved: text(saved.movePenalty)),
            SavedFlag(flag: "--move-penalty-scope", given: movePenaltyScope?.rawValue, saved: saved.moveScope?.rawValue),
            SavedFlag(flag: "--loss-temperature", given: Self.temperaturesText(try? lossTemperatures()), saved: Self.temperaturesText(saved.lossTemperatures)),
            SavedFlag(flag: "--distill-memory", given: memoryTeacher?.path, saved: saved.memoryTeacher?.path),
            SavedFlag(flag: "--distill-weight", given: text(distillWeight), saved: text(saved.memoryTeacher?.weight)),
        ]
    }
}

/// One optional flag bound to the TrainingOptions field it overrides: `apply` sets the field when
/// the flag was given, `savedFlag` compares it with a saved run's value (for --resume).
struct FlagBinding {
    let apply: (inout TrainingOptions) -> Void
    let savedFlag: (TrainingOptions) -> SavedFlag

    init<Value>(_ flag: String, _ given: Value?, _ field: WritableKeyPath<TrainingOptions, Value>) {
        apply = { options in if let given { options[keyPath: field] = given } }
        savedFlag = { saved in SavedFlag(flag: flag, given: text(given), saved: "\(saved[keyPath: field])") }
    }
}

/// A flag's value as SavedFlag compares it; nil when not given.
func text<T>(_ value: T?) -> String? { value.map { "\($0)" } }

/// A task name as the task names itself (`memorize-distract:1-3`, the default count, is
/// `memorize-distract`), which the documents carry; a custom task or a name that is no task stays as
/// given (refused against --task later). For --advance-on and --loss-temperature.
func trainedTaskName(_ name: String) -> String {
    name.hasPrefix("custom:") ? name : (try? TaskCatalog.task(named: name).name) ?? name
}
