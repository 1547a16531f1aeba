// rmt-tool calibrate: fits the temperature T that makes a model's answer probabilities honest on
// answers it has already given — `rmt-train eval --predictions` files (their per-document logits)
// — and writes the model with its classifier divided by T: the same answers, probabilities
// softmax(logits / T) (temperature scaling; Sources/RMTTraining/TemperatureFit.swift). Fit on the
// documents you will read (genre, length, tasks), not on the training prose. Prints one JSON line:
// T, and NLL, ECE and mean confidence before and after, beside the accuracy.
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
        are unchanged; only the probabilities move.
        """)

    @Argument(help: "Model folder whose recorded answers are fitted.") var model: String
    @Option(name: .customLong("predictions"), help: ArgumentHelp("A JSON-lines file written by `rmt-train eval --predictions` for this model (repeat for several).", valueName: "FILE"))
    var files: [String] = []
    @Option(help: "Output folder (written atomically; an existing model folder is replaced, any other file or non-empty folder is refused). Without it, only the fit is printed.")
    var out: String?
    @Flag(help: "Store the weights as float16.") var float16 = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one --predictions FILE") }
    }

    func run() throws {
        try ErrorReporter.run("rmt-tool") {
            if let out { try OutputFolder.checkReplaceable(out) }
            let loaded = try RecurrentMemoryModel.load(directory: URL(fileURLWithPath: model))
            let labels = loaded.settings.labels
            var logits: [[Double]] = [], truth: [Int] = []
            for file in files {
                let (rows, answers) = try Self.read(file, labels: labels)
                logits += rows; truth += answers
            }
            let fit = TemperatureFit(logits: logits, labels: truth)
            try JSONLine([("documents", .int(logits.count)), ("temperature", .double(fit.temperature)),
                          ("at_bound", .bool(fit.atBound)), ("accuracy", .double(fit.accuracy)),
                          ("nll_before", .double(fit.nllBefore)), ("nll_after", .double(fit.nllAfter)),
                          ("ece_before", .double(fit.eceBefore)), ("ece_after", .double(fit.eceAfter)),
                          ("confidence_before", .double(fit.confidenceBefore)),
                          ("confidence_after", .double(fit.confidenceAfter))]).print()
            if fit.atBound {
                let why = fit.temperature < 1 ? "every answer is right with a margin" : "the answers are no better than chance"
                FileHandle.standardError.write(Data("rmt-tool: warning: the fit ran to its bound (\(why)): T = \(fit.temperature); fit on more, or harder, documents\n".utf8))
            }
            guard let out else { return }
            let calibrated = try loaded.withAnswerTemperature(fit.temperature)
            try calibrated.save(to: URL(fileURLWithPath: out), float16: float16,
                                metadata: ["rmt.calibration": "temperature \(fit.temperature) fitted on \(logits.count) answers of \(files.joined(separator: ", "))"])
            FileHandle.standardError.write(Data("wrote \(out): \(model) with its answer logits divided by \(String(format: "%.4f", fit.temperature))\n".utf8))
        }
    }

    /// The logits (in the model's label order) and true label of every line of `file`; a line that
    /// is not a prediction, has no logits, or names other labels than the model's is an error.
    static func read(_ file: String, labels: [String]) throws -> (logits: [[Double]], labels: [Int]) {
        func refuse(_ message: String) -> Error { ErrorReporter.exit("rmt-tool", message) }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else {
            throw refuse("--predictions: cannot read \(file): \(isFolder.boolValue ? "it is a folder" : "no such file")")
        }
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw refuse("--predictions: cannot read \(file): \(error.localizedDescription)")
        }
        var rows: [[Double]] = [], answers: [Int] = []
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
            rows.append(row); answers.append(answer)
        }
        if rows.isEmpty { throw refuse("--predictions: \(file) holds no predictions") }
        return (rows, answers)
    }
}
