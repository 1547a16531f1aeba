// rmt-tool calibrate: fits the temperature T that makes a model's answer probabilities honest on
// answers it has already given — `rmt-train eval --predictions` files (their per-document logits)
// — and writes the calibrated model (temperature scaling; Sources/RMTTraining/TemperatureFit.swift;
// Sources/RMTRecurrence/AnswerTemperature.swift): one T for every question, the classifier divided
// by it; or, with --by-question-form, one T per question form of the model's domain and document
// length, recorded in config.json with the weights untouched. The same answers either way. Fit on
// the documents you will read (genre, lengths, tasks), not on the training prose. Prints one JSON
// line per fit: T, and NLL, ECE and mean confidence before and after, beside the accuracy.
import ArgumentParser
import Foundation
import RMT
import RMTCommandLine

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the answer temperature on recorded predictions and write the calibrated model.",
        discussion: """
        The predictions must come from this model (`rmt-train eval --model MODEL --predictions FILE`, \
        which records each document's logits); give --predictions once per file. Answers and accuracy \
        are unchanged; only the probabilities move. --by-question-form fits each question form of the \
        model's domain at each document length (segments) on its own documents; a document of another \
        length reads at T interpolated linearly in log(segments), the nearest fitted one's beyond them. \
        A fit that runs to a bound is left out, with a warning; forms and lengths without documents keep \
        what the model records.
        """)

    @Argument(help: "Model folder whose recorded answers are fitted.") var model: String
    @Option(name: .customLong("predictions"), help: ArgumentHelp("A JSON-lines file written by `rmt-train eval --predictions` for this model (repeat for several).", valueName: "FILE"))
    var files: [String] = []
    @Option(help: "Output folder (written atomically; an existing model folder is replaced, any other file or non-empty folder is refused). Without it, only the fit is printed.")
    var out: String?
    @Flag(help: "Store the weights as float16.") var float16 = false
    @Flag(help: "A temperature per question form and document length (config.json's rmt.answer_temperatures, applied where answers are reported), the weights untouched; without it, one temperature divides the classifier.")
    var byQuestionForm = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one --predictions FILE") }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            if let out { try OutputFolder.checkReplaceable(out) }
            let loaded = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            var rows: [[Double]] = [], truth: [Int] = [], questions: [String] = [], segments: [Int] = []
            for file in files {
                let read = try Self.read(file, labels: loaded.settings.labels)
                rows += read.logits; truth += read.labels; questions += read.questions; segments += read.segments
            }
            if byQuestionForm { try fitByForm(loaded, rows, truth, questions, segments) } else { try fitOne(loaded, rows, truth) }
        }
    }

    /// One temperature for every answer: the classifier divided by it.
    func fitOne(_ loaded: RecurrentMemoryModel, _ rows: [[Double]], _ truth: [Int]) throws {
        let fit = TemperatureFit(logits: rows, labels: truth)
        try Self.line(fit, documents: rows.count).print()
        if fit.atBound { warnBound(fit, what: "the fit") }
        guard let out else { return }
        let calibrated = try loaded.withAnswerTemperature(fit.temperature)
        try calibrated.save(to: URL(fileURLWithPath: out), float16: float16,
                            metadata: ["rmt.calibration": "temperature \(fit.temperature) fitted on \(rows.count) answers of \(files.joined(separator: ", "))"])
        FileHandle.standardError.write(Data("wrote \(out): \(model) with its answer logits divided by \(String(format: "%.4f", fit.temperature))\n".utf8))
    }

    /// A temperature per question form and document length, recorded in config.json.
    func fitByForm(_ loaded: RecurrentMemoryModel, _ rows: [[Double]], _ truth: [Int], _ questions: [String],
                   _ segments: [Int]) throws {
        guard let domain = loaded.questionDomain, let matcher = loaded.questionMatcher() else {
            throw ErrorReporter.exit("rmt-tool", "--by-question-form: \(model) records no question domain (its question forms); fit one temperature without --by-question-form")
        }
        struct Group: Hashable { let form: String; let segments: Int }
        var groups: [Group: [Int]] = [:]  // (form, length) → the rows asking it
        for (i, question) in questions.enumerated() {
            guard let form = matcher.form(ofTokens: loaded.tokenizer.encode(question)) else {
                throw ErrorReporter.exit("rmt-tool", "--by-question-form: \"\(question)\" has none of \(model)'s question forms (\(domain.formList()))")
            }
            groups[Group(form: form, segments: segments[i]), default: []].append(i)
        }
        var temperatures = loaded.settings.answerTemperatures ?? [:]
        for form in domain.questionForms {
            var points = temperatures[form] ?? []
            for length in Set(groups.keys.filter { $0.form == form }.map(\.segments)).sorted() {
                let picked = groups[Group(form: form, segments: length)]!
                let fit = TemperatureFit(logits: picked.map { rows[$0] }, labels: picked.map { truth[$0] })
                try Self.line(fit, documents: picked.count, form: form, segments: length).print()
                points.removeAll { $0.segments == length }
                if fit.atBound {
                    warnBound(fit, what: "\"\(form)\"'s fit at \(length) segments")
                } else {
                    points.append(TemperaturePoint(segments: length, temperature: fit.temperature))
                }
            }
            temperatures[form] = points.isEmpty ? nil : points.sorted { $0.segments < $1.segments }
        }
        guard let out else { return }
        // The weights untouched: stored as they were (float16 stays float16, the header's metadata
        // kept), so a model file written by this package comes out byte for byte the same.
        let source = try SafetensorsFile(contentsOf: URL(fileURLWithPath: model).appendingPathComponent("model.safetensors"))
        let wasFloat16 = source.tensors.contains { $0.dtype == .f16 }
        let calibrated = try loaded.withQuestionTemperatures(temperatures)
        try calibrated.save(to: URL(fileURLWithPath: out), float16: float16 || wasFloat16, metadata: source.metadata)
        let listed = domain.questionForms.compactMap { f in
            temperatures[f].map { "\"\(f)\" " + $0.map { "\(String(format: "%.2f", $0.temperature)) at \($0.segments)" }.joined(separator: ", ") }
        }
        FileHandle.standardError.write(Data("wrote \(out): \(model) with answer temperatures \(listed.isEmpty ? "none" : listed.joined(separator: "; "))\n".utf8))
    }

    /// The fit as a JSON line (its question form and length first, if it is one form's at one length).
    static func line(_ fit: TemperatureFit, documents: Int, form: String? = nil, segments: Int? = nil) -> JSONLine {
        JSONLine((form.map { [("form", JSONLine.Value.string($0))] } ?? []) + (segments.map { [("segments", JSONLine.Value.int($0))] } ?? [])
                 + [("documents", .int(documents)), ("temperature", .double(fit.temperature)),
                  ("at_bound", .bool(fit.atBound)), ("accuracy", .double(fit.accuracy)),
                  ("nll_before", .double(fit.nllBefore)), ("nll_after", .double(fit.nllAfter)),
                  ("ece_before", .double(fit.eceBefore)), ("ece_after", .double(fit.eceAfter)),
                  ("confidence_before", .double(fit.confidenceBefore)),
                  ("confidence_after", .double(fit.confidenceAfter))])
    }

    func warnBound(_ fit: TemperatureFit, what: String) {
        let why = fit.temperature < 1 ? "every answer is right with a margin" : "the answers are no better than chance"
        let then = byQuestionForm ? "that length reads at the form's other fitted temperatures (T = 1 if none)" : "fit on more, or harder, documents"
        FileHandle.standardError.write(Data("rmt-tool: warning: \(what) ran to its bound (\(why)): T = \(fit.temperature); \(then)\n".utf8))
    }

    /// The logits (in the model's label order) and true label of every line of `file`; a line that
    /// is not a prediction, has no logits, or names other labels than the model's is an error.
    static func read(_ file: String, labels: [String]) throws -> (logits: [[Double]], labels: [Int], questions: [String], segments: [Int]) {
        func refuse(_ message: String) -> Error { ErrorReporter.exit("rmt-tool", message) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
            throw refuse("--predictions: cannot read \(file): \(isFolder.boolValue ? "it is a folder" : "no such file")")
        }
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw refuse("--predictions: cannot read \(file): \(error.localizedDescription)")
        }
        var rows: [[Double]] = [], answers: [Int] = [], questions: [String] = [], segments: [Int] = []
        let decoder = JSONDecoder()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let at = "\(file) line \(n + 1)"
            guard let record = try? decoder.decode(DocumentPrediction.self, from: Data(line.utf8)) else {
                throw refuse("\(at): not a prediction written by rmt-train eval --predictions")
            }
            guard let logits = record.logits else {
                throw refuse("\(at): no logits (written before they were recorded); evaluate again with rmt-train eval --predictions")
            }
            guard Set(logits.keys) == Set(labels), let answer = labels.firstIndex(of: record.answer) else {
                throw refuse("\(at): its labels are not the model's (\(labels.joined(separator: ","))); were these predictions made by another model?")
            }
            let row = labels.map { logits[$0]! }
            guard row.allSatisfy(\.isFinite) else { throw refuse("\(at): a logit is not a finite number") }
            rows.append(row); answers.append(answer); questions.append(record.question); segments.append(record.segments)
        }
        if rows.isEmpty { throw refuse("--predictions: \(file) holds no predictions") }
        return (rows, answers, questions, segments)
    }
}
