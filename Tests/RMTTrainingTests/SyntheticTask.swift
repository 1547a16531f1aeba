// A synthetic recall task for trainer tests: the first token of a document is a key
// (one of L tokens), everything else random noise, and the answer is the key — so at
// N ≥ 2 segments the model can only answer through its memory. Deterministic per
// sample index, so stream positions can be saved and restored.
import RMTBase
import RMTKernels
import RMTRecurrence
import RMTTraining

final class SyntheticRecall: TrainingBatchSource, ValidationSource {
    let segmentLength: Int, labels: Int, vocab: Int, seed: UInt64
    var position: UInt64 = 0
    let keyBase: Int32 = 5, question: [Int32] = [4], separator: Int32 = 3

    init(segmentLength: Int, labels: Int, vocab: Int, seed: UInt64) {
        self.segmentLength = segmentLength
        self.labels = labels
        self.vocab = vocab
        self.seed = seed
    }

    func sample(_ index: UInt64, segments N: Int) -> ([[Int32]], Int32) {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ index)
        let label = Int32(rng.next() % UInt64(labels))
        let noiseBase = keyBase + Int32(labels)
        let count = QuestionLayout.finalSegment.documentTokens(forSegments: N, questionTokens: question.count,
                                                               segmentLength: segmentLength)
        var doc: [Int32] = [keyBase + label]
        while doc.count < count { doc.append(noiseBase + Int32(rng.next() % UInt64(vocab - Int(noiseBase)))) }
        var segments: [[Int32]] = []
        var i = 0
        while doc.count - i >= segmentLength { segments.append(Array(doc[i..<(i + segmentLength)])); i += segmentLength }
        segments += try! QuestionLayout.finalSegment.finalSegments(rest: Array(doc[i...]), question: question,
                                                                   segmentLength: segmentLength, separator: separator)
        precondition(segments.count == N)
        return (segments, label)
    }

    func batch(indices: [UInt64], segments N: Int) -> SegmentBatch {
        let samples = indices.map { sample($0, segments: N) }
        let contents = (0..<N).map { k in samples.map { $0.0[k] } }
        return SegmentBatch(contents: contents, labels: samples.map(\.1))
    }

    func nextBatch(segments: Int, batchSize: Int) throws -> SegmentBatch {
        defer { position += UInt64(batchSize) }
        return batch(indices: (0..<UInt64(batchSize)).map { position + $0 }, segments: segments)
    }

    func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch] {
        stride(from: 0, to: count, by: batchSize).map { start in
            batch(indices: (start..<min(start + batchSize, count)).map { UInt64(1_000_000 + $0) }, segments: segments)
        }
    }
}

/// Validation documents that say their task, for stage criteria (`TrainingOptions.advanceTasks`):
/// the first half are "coin" documents, each one four times with the labels 0…3, so exactly a
/// quarter of them are right whatever the model predicts; the second half are "same" documents,
/// one document and label repeated, so all or none of them are right — the mixture's accuracy
/// is 0.125 or 0.625, never the coin documents' 0.25.
final class TaggedValidation: ValidationSource {
    let recall: SyntheticRecall

    init(recall: SyntheticRecall) { self.recall = recall }

    func batches(segments: Int, count: Int, batchSize: Int) throws -> [SegmentBatch] {
        precondition(count % 8 == 0, "coin documents come in fours, half of count")
        let coins = count / 2
        let documents: [(contents: [[Int32]], label: Int32, task: String)] = (0..<count).map { i in
            if i < coins {
                let (segments, _) = recall.sample(UInt64(2_000_000 + i / 4), segments: segments)
                return (segments, Int32(i % 4), "coin")
            }
            let (segments, label) = recall.sample(3_000_000, segments: segments)
            return (segments, label, "same")
        }
        return stride(from: 0, to: count, by: batchSize).map { start in
            let part = documents[start..<min(start + batchSize, count)]
            return SegmentBatch(contents: (0..<segments).map { k in part.map { $0.contents[k] } },
                                labels: part.map(\.label), tasks: part.map(\.task))
        }
    }
}
