// ResumeFlags: `rmt-train … --resume`. The run folder is recovered from whatever a kill left
// (RunFolder.recover), data.json and the checkpoint are validated, and every flag given is
// compared with what the run saved (data.json, checkpoint/options.json, config.json,
// vocab.txt): a flag that agrees is accepted — so the original command with --resume appended
// works — and one that conflicts is refused, naming the flag, the saved and the given value.
import Foundation
import RMT

/// One flag of a resumed command and what the run saved for it.
struct SavedFlag {
    let flag: String
    /// The value given (nil = not given); "on" for a switch.
    let given: String?
    /// The run's value; nil = the run was started without the flag (switch off, option unset).
    let saved: String?
    var isSwitch = false
    /// How the run was started when that is not "with FLAG SAVED" (e.g. with --preset, not --model).
    var startedAs: String? = nil

    /// The one-line refusal, or nil when the flag was not given or agrees.
    func conflict() -> String? {
        guard let given, given != saved else { return nil }
        if isSwitch { return "this run was started without \(flag); resume without it" }
        let started = startedAs ?? saved.map { "with \(flag) \($0)" } ?? "without \(flag)"
        return "this run was started \(started), not \(flag) \(given); resume without \(flag)" + (saved == nil ? "" : " (or with the same value)")
    }
}

extension Train {
    /// Recovers and validates the run in `out`, checks the flags given against it, and
    /// returns its data, the checkpoint's model and the fewest segments its next batch can have.
    func prepareResume(_ out: URL) throws -> (RunData, RecurrentMemoryModel, segments: Int) {
        guard ModelFolder.isFolder(out) else {
            throw ModelError(out.path, "no such run folder to resume; start a run there without --resume")
        }
        for line in try RunFolder.recover(out) { note("rmt-train: \(line)") }
        let checkpoint = out.appendingPathComponent("checkpoint")
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            let started = RunFolder.contents(out).contains(where: RunFolder.isRunEntry)
            throw ModelError(out.path, started
                ? "no checkpoint to resume: the run was stopped before it wrote its first (step 0) checkpoint; start it again with --overwrite"
                : "holds no training run (no checkpoint to resume); start a run there without --resume")
        }
        let saved: (options: TrainingOptions, state: TrainerState)
        let rmt: RecurrentMemoryModel
        do {
            saved = try Trainer.readCheckpointState(checkpoint)
            rmt = try RecurrentMemoryModel.load(directory: checkpoint)
        } catch let error as ModelError {
            throw ModelError(error.subject, "\(error.problem); the run cannot be resumed: restore \(checkpoint.path), or start again with --overwrite")
        }
        let (runData, rebuilt) = try savedRunData(out, options: saved.options)
        for flag in try savedFlags(runData, saved.options, rmt) {
            if let problem = flag.conflict() { throw ModelError(out.path, problem) }
        }
        if rebuilt {  // only once every flag agrees with the checkpoint
            try runData.save(in: out)
            note("rmt-train: \(RunData.url(in: out).path) was missing; wrote it from the flags given: task \(runData.task), noise " +
                 (runData.noise.isEmpty ? "built-in prose" : runData.noise.joined(separator: " ")) + ", seed \(runData.seed)")
        }
        return (runData, rmt, saved.options.fewestSegments(stage: saved.state.segments))
    }

    /// OUT/data.json, validated. A missing one (a run from before data.json, or deleted) is
    /// rebuilt only from flags the user gives — never from defaults — and `rebuilt` says so.
    func savedRunData(_ out: URL, options: TrainingOptions) throws -> (data: RunData, rebuilt: Bool) {
        let url = RunData.url(in: out)
        if let recorded = try RunData.load(from: out) {
            guard recorded.seed == options.seed else {
                throw ModelError(url.path, "seed \(recorded.seed) differs from checkpoint/options.json's seed \(options.seed): it belongs to another run; restore this run's data.json")
            }
            return (recorded, false)
        }
        guard data.taskFlag != nil else {
            throw ModelError(url.path, "missing: it records the task, noise and seed the run trains on; resume with the run's --task " +
                             "(and --noise, --eval-noise, --seed, --data-segment-length if it had them; see commands.txt) to write it again")
        }
        // The first command recorded shows which data flags the run was started with.
        let commands = (try? String(contentsOf: out.appendingPathComponent("commands.txt"), encoding: .utf8)) ?? ""
        let first = commands.split(separator: "\n").first.map { $0.split(separator: " ").map(String.init) } ?? []
        let given: [(String, Bool)] = [("--noise", !data.noise.isEmpty), ("--eval-noise", !evalNoise.isEmpty),
                                       ("--data-segment-length", dataSegmentLength != nil),
                                       ("--adversarial-rate", data.adversarialRateFlag != nil),
                                       ("--neighbour-rate", data.neighbourRateFlag != nil),
                                       ("--probe-rate", probeRate != nil),
                                       ("--probe-objects", probeObjects),
                                       ("--cross-segment-rate", crossSegmentRate != nil),
                                       ("--hidden-question-rate", hiddenQuestionRate != nil),
                                       ("--decoy-question-rate", decoyQuestionRate != nil)]  // the seed is in options.json
        for (flag, isGiven) in given where !isGiven && first.contains(flag) {
            throw ModelError(url.path, "missing, and commands.txt shows the run was started with \(flag); give it again to write data.json")
        }
        var rebuilt = givenRunData()
        rebuilt.model = nil
        rebuilt.preset = nil
        if data.seedFlag == nil { rebuilt.seed = options.seed }
        guard rebuilt.seed == options.seed else {
            throw ModelError(out.path, "this run was started with --seed \(options.seed), not --seed \(rebuilt.seed); resume without --seed (or with the same value)")
        }
        _ = try TaskCatalog.task(list: rebuilt.task)
        return (rebuilt, true)
    }

    /// Every flag that describes the run, with the value given and the value saved.
    func savedFlags(_ run: RunData, _ saved: TrainingOptions, _ rmt: RecurrentMemoryModel) throws -> [SavedFlag] {
        func list(_ s: String) -> String {
            TaskCatalog.names(inList: s).joined(separator: ",")
        }
        func paths(_ p: [String]) -> String? { p.isEmpty ? nil : p.joined(separator: " ") }
        var flags: [SavedFlag] = [
            // A custom task's file compared as an absolute path (an older data.json's relative one
            // read against the current directory, as loading it does).
            SavedFlag(flag: "--task", given: data.taskFlag.map { list(TaskCatalog.absoluteFiles(in: $0)) },
                      saved: list(TaskCatalog.absoluteFiles(in: run.task))),
            SavedFlag(flag: "--seed", given: text(data.seedFlag), saved: "\(run.seed)"),
            SavedFlag(flag: "--noise", given: paths(absolutePaths(data.noise)), saved: paths(run.noise)),
            SavedFlag(flag: "--eval-noise", given: paths(absolutePaths(evalNoise)), saved: paths(run.evalNoise)),
            SavedFlag(flag: "--data-segment-length", given: dataSegmentLengths?.description,
                      saved: run.segmentLengths?.description ?? "\(rmt.settings.segmentLength)"),
            SavedFlag(flag: "--adversarial-rate", given: text(data.adversarialRateFlag), saved: "\(run.adversarialRate ?? 0)"),
            SavedFlag(flag: "--neighbour-rate", given: text(data.neighbourRateFlag), saved: "\(run.neighbourRate ?? 0)"),
            SavedFlag(flag: "--probe-rate", given: text(probeRate), saved: "\(run.probeRate ?? 0)"),
            SavedFlag(flag: "--probe-objects", given: probeObjects ? "on" : nil, saved: run.probeObjects == true ? "on" : nil, isSwitch: true),
            SavedFlag(flag: "--cross-segment-rate", given: text(crossSegmentRate), saved: "\(run.crossSegmentRate ?? 0)"),
            SavedFlag(flag: "--hidden-question-rate", given: text(hiddenQuestionRate), saved: "\(run.hiddenQuestionRate ?? 0)"),
            SavedFlag(flag: "--decoy-question-rate", given: text(decoyQuestionRate), saved: "\(run.decoyQuestionRate ?? 0)"),
            SavedFlag(flag: "--memory-tokens", given: text(memoryTokens), saved: "\(rmt.settings.memoryTokens)"),
            SavedFlag(flag: "--associative", given: text(associative), saved: rmt.config.associative.map { "\($0.keySize)" } ?? "none"),
            SavedFlag(flag: "--associative-write", given: associativeWrite?.rawValue, saved: rmt.config.associative?.write.rawValue ?? "none"),
            SavedFlag(flag: "--memory-gate", given: memoryGate ? "on" : nil, saved: rmt.settings.hasMemoryGate ? "on" : nil, isSwitch: true),
            SavedFlag(flag: "--memory-gate-bias", given: text(memoryGateBias), saved: text(saved.memoryGateBias)),
            SavedFlag(flag: "--segment-length", given: text(segmentLength), saved: "\(rmt.settings.segmentLength)"),
            SavedFlag(flag: "--question-layout", given: questionLayout?.rawValue, saved: rmt.settings.questionLayout.rawValue),
            SavedFlag(flag: "--position", given: position.map { $0.name.replacingOccurrences(of: "-", with: "_") }
                          .map { $0 == "dape" ? "dape:\(PositionSettings(scheme: .dape).dapeBase.rawValue)" : $0 },
                      saved: rmt.config.position?.commandLineName ?? "absolute"),
            SavedFlag(flag: "--position-temperature", given: positionTemperature.map { $0.replacingOccurrences(of: "-", with: "_") },
                      saved: (rmt.config.position?.temperature ?? .none).rawValue),
        ]
        flags += curriculum.savedFlags(saved) + optimizer.savedFlags(saved) + backprop.savedFlags(saved)
        flags += try startFlags(run, rmt)
        return flags
    }

    /// --model, --preset and --vocab against where the run started: the recorded folder or
    /// preset when data.json has them, else (older runs) the checkpoint's architecture.
    func startFlags(_ run: RunData, _ rmt: RecurrentMemoryModel) throws -> [SavedFlag] {
        func shape(_ c: BertConfig) -> String {
            "\(c.numHiddenLayers) layers × \(c.hiddenSize) (\(c.numAttentionHeads) heads, FFN \(c.intermediateSize))"
        }
        let savedStart: String? = run.model.map { "--model \($0)" } ?? run.preset.map { "--preset \($0)" }
        var flags: [SavedFlag] = []
        if let model {
            let given = absolutePaths([model])[0]
            if let savedStart {
                flags.append(SavedFlag(flag: "--model", given: given, saved: run.model, startedAs: "with \(savedStart)"))
            } else {
                let config = try BertConfig.load(contentsOf: try requireFile(URL(fileURLWithPath: model), "config.json"))
                if shape(config) != shape(rmt.config) {
                    flags.append(SavedFlag(flag: "--model", given: "\(given) (\(shape(config)))", saved: shape(rmt.config),
                                           startedAs: "from a model of \(shape(rmt.config))"))
                }
            }
        }
        if let preset {
            if let savedStart {
                flags.append(SavedFlag(flag: "--preset", given: preset.rawValue, saved: run.preset, startedAs: "with \(savedStart)"))
            } else if shape(BertConfig.preset(preset)) != shape(rmt.config) {
                flags.append(SavedFlag(flag: "--preset", given: "\(preset.rawValue) (\(shape(BertConfig.preset(preset))))",
                                       saved: shape(rmt.config), startedAs: "from a model of \(shape(rmt.config))"))
            }
        }
        if let vocab {
            let given = try Vocabulary(contentsOf: URL(fileURLWithPath: vocab))
            if given.tokens != rmt.tokenizer.vocabulary.tokens {
                flags.append(SavedFlag(flag: "--vocab", given: "\(vocab) (\(given.count) tokens)", saved: "checkpoint/vocab.txt",
                                       startedAs: "with another vocabulary (checkpoint/vocab.txt, \(rmt.tokenizer.vocabulary.count) tokens)"))
            }
        }
        return flags
    }
}
