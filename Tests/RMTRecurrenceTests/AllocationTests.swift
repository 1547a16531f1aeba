// No heap allocation per segment: once a DocumentSession has read a few segments, reading the
// next one — embeddings, every layer's GEMMs, attention, epilogues, the memory update, on the
// worker pool — allocates nothing, for every position scheme (absolute, ALiBi, Kerple, T5, FIRE,
// none, CoPE, DAPE; with and without temperature and log-n scaling) and both question layouts. Counted by RMTAllocationCounter
// (malloc & co. interposed in the test binary only), on the calling thread: other tests run
// concurrently. A parallel loop's set-up runs on the calling thread (the heap context that
// withoutActuallyEscaping used to allocate there, once per loop, is what this guards against),
// and so do its items whenever the pool is busy with another test's loop.
import RMTAllocationCounter
import RMTBase
import RMTKernels
import RMTModel
import RMTRecurrence
import RMTTestSupport
import Testing

/// A model big enough that every parallel path runs (GEMM splits, heads over 2 workers, row
/// loops): 128 hidden, 2 layers, 4 heads of 32 (MiniLM's head size), FFN 512, 128-token segments.
/// Relative schemes get a learned per-head temperature with log-n scaling unless `temperature` says otherwise.
func allocationTestModel(_ scheme: PositionSettings.Scheme, fused: Bool = true,
                         questionLayout: QuestionLayout = .finalSegment,
                         temperature: PositionSettings.Temperature? = nil,
                         dapeBase: PositionSettings.Scheme? = nil) throws -> RecurrentMemoryModel {
    let tiny = try RecurrentMemoryModel.load(directory: fixture("tiny-rmt"))
    var settings = tiny.settings
    settings.segmentLength = 128
    settings.questionLayout = questionLayout
    let position = PositionSettings.forTraining(scheme, temperature: temperature ?? (scheme == .absolute ? .none : .perHeadLogN),
                                                textTokens: settings.segmentLength,
                                                positions: settings.positionsPerSegment, dapeBase: dapeBase)
    let config = BertConfig(vocabSize: tiny.config.vocabSize, hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 4,
                            intermediateSize: 512, maxPositionEmbeddings: settings.positionsPerSegment)
    let model = try RecurrentMemoryModel(config: config.withPosition(position), settings: settings,
                                         tokenizer: tiny.tokenizer, seed: 3)
    model.compute = ComputeOptions(threads: 2, fused: fused)
    return model
}

/// Allocations on this thread while `body` runs.
func allocations(_ body: () throws -> Void) rethrows -> UInt {
    let before = rmt_allocation_count_this_thread()
    try body()
    return rmt_allocation_count_this_thread() - before
}

/// Reads the first piece on this thread alone (every kernel runs here, so this thread's pack
/// buffers reach their sizes whichever slices the pool hands it later), the rest on 2 workers
/// (the pool's thread starts).
func warmUp(_ session: DocumentSession, model: RecurrentMemoryModel, _ pieces: some Collection<[Int32]>) throws {
    for (i, piece) in pieces.enumerated() {
        model.compute.threads = i == 0 ? 1 : 2
        try session.read(piece)
    }
    model.compute.threads = 2
}

/// Allocations on this thread for each of the last pieces: the first `warm` pieces warm the
/// session up (`warmUp`), the rest are read one by one, counted.
func allocationsPerSegment(_ session: DocumentSession, model: RecurrentMemoryModel, _ pieces: [[Int32]],
                           warm: Int) throws -> [UInt] {
    try warmUp(session, model: model, pieces.prefix(warm))
    var perSegment: [UInt] = []
    perSegment.reserveCapacity(pieces.count)
    for piece in pieces.dropFirst(warm) {
        perSegment.append(try allocations { try session.read(piece) })
    }
    return perSegment
}

@Test func allocationCounterSeesThisThreadsAllocations() {
    #if os(Linux)
    let n = allocations {
        let a = [Int](unsafeUninitializedCapacity: 1000) { buffer, count in
            for i in 0..<1000 { buffer[i] = i }
            count = 1000
        }
        #expect(a.reduce(0, +) == 499_500)
    }
    #expect(n >= 1, "the malloc interposition of RMTAllocationCounter is not in effect: the allocation tests below would pass vacuously")
    #endif
}

/// One position configuration of the allocation tests.
struct AllocationCase: Sendable, CustomStringConvertible {
    var scheme: PositionSettings.Scheme
    var temperature: PositionSettings.Temperature? = nil
    var dapeBase: PositionSettings.Scheme? = nil
    var description: String {
        scheme.rawValue + (dapeBase.map { ":\($0.rawValue)" } ?? "") + (temperature.map { " + \($0.rawValue)" } ?? "")
    }
}

/// Every position scheme reads a segment without allocating: absolute, and each relative scheme
/// with a learned per-head log-n temperature (the most terms at once); DAPE over every base; the
/// temperatures alone on ALiBi and on absolute positions. The relative schemes' tables, logit
/// scales, layouts and kernel scratch (CoPE's, DAPE's) are reused from segment to segment
/// (PositionTerms.swift, PositionWorkspace.swift).
let allocationCases: [AllocationCase] =
    PositionSettings.Scheme.allCases.map { AllocationCase(scheme: $0) }
    + [PositionSettings.Scheme.none, .alibi, .kerplePower, .t5, .fire].map { AllocationCase(scheme: .dape, dapeBase: $0) }
    + PositionSettings.Temperature.allCases.map { AllocationCase(scheme: .alibi, temperature: $0) }
    + [AllocationCase(scheme: .absolute, temperature: .perHead), AllocationCase(scheme: .absolute, temperature: .logN)]

@Test(arguments: allocationCases)
func readingASegmentAllocatesNothing(_ c: AllocationCase) throws {
    let model = try allocationTestModel(c.scheme, temperature: c.temperature, dapeBase: c.dapeBase)
    let session = DocumentSession(model: model)
    let S = session.textLength
    // Full pieces of random-ish ids (past the 5 special tokens), made before counting.
    let pieces: [[Int32]] = (0..<6).map { k in (0..<S).map { Int32(5 + ($0 * 7 + k * 13) % (model.config.vocabSize - 5)) } }
    let perSegment = try allocationsPerSegment(session, model: model, pieces, warm: 2)
    #expect(perSegment.allSatisfy { $0 == 0 }, "\(c): allocations per segment \(perSegment)")
    #expect(session.state.segmentsRead == pieces.count)
    #expect(session.state.memory.allSatisfy { $0.isFinite })
}

/// The unfused kernels (RMT_FUSED=0, their twin) allocate nothing per segment either.
@Test func readingASegmentWithUnfusedKernelsAllocatesNothing() throws {
    let model = try allocationTestModel(.absolute, fused: false)
    let session = DocumentSession(model: model)
    let piece = (0..<session.textLength).map { Int32(5 + $0 % (model.config.vocabSize - 5)) }
    try warmUp(session, model: model, [piece, piece])
    let n = try allocations { for _ in 0..<3 { try session.read(piece) } }
    #expect(n == 0, "allocations over 3 segments: \(n)")
}

/// bf16 inference (the linear layers on weights converted once; the AVX512-BF16 kernel where the
/// CPU has it, else the plain-loop twin) allocates nothing per segment either.
@Test func readingASegmentInBF16AllocatesNothing() throws {
    let model = try allocationTestModel(.absolute)
    model.compute.bf16Kernel = BF16Kernel.best ?? .twin
    model.compute.precision = .bf16
    #expect(model.encoder.bf16Weights != nil && model.compute.linearBF16 != nil)
    let session = DocumentSession(model: model)
    let piece = (0..<session.textLength).map { Int32(5 + ($0 * 3) % (model.config.vocabSize - 5)) }
    let perSegment = try allocationsPerSegment(session, model: model, [piece, piece, piece, piece], warm: 2)
    #expect(perSegment.allSatisfy { $0 == 0 }, "bf16: allocations per segment \(perSegment)")
    #expect(session.state.memory.allSatisfy { $0.isFinite })
}

/// The every-segment layout (`Q [SEP] piece` in each segment, each piece held back until the
/// next arrives) allocates nothing per segment either, for every scheme: the segment is built in
/// one reused buffer (and, for the relative schemes, its position layout in two reused arrays).
@Test(arguments: PositionSettings.Scheme.allCases)
func readingAnEverySegmentDocumentAllocatesNothing(_ scheme: PositionSettings.Scheme) throws {
    let model = try allocationTestModel(scheme, questionLayout: .everySegment)
    let question = model.tokenizer.encode("Where is Mary?")
    let session = try DocumentSession(model: model, questionTokens: question)
    let S = session.textLength
    #expect(S == model.settings.segmentLength - question.count - 1)
    let pieces: [[Int32]] = (0..<6).map { k in (0..<S).map { Int32(5 + ($0 * 5 + k * 11) % (model.config.vocabSize - 5)) } }
    let perSegment = try allocationsPerSegment(session, model: model, pieces, warm: 3)
    #expect(perSegment.allSatisfy { $0 == 0 }, "every-segment, \(scheme): allocations per segment \(perSegment)")
    #expect(session.state.segmentsRead == pieces.count - 1)  // the last piece is held for the answer
    #expect(session.state.pending == pieces.last!)
    let answer = try session.answer()
    #expect(answer.segments == pieces.count && answer.logits.allSatisfy { $0.isFinite })
}
