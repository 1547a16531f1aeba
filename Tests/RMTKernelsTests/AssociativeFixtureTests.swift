// The associative-memory kernels against ARMT's own computation (Fixtures/gen/gen_associative.py,
// its modeling_amt/language_modeling.py line for line): three segments through one wrapped layer
// (h → tanh(h·L)), each segment reading before the layer and its last M rows writing after it.
// The layer inputs after the read, the outputs and the final state (A, z) agree within 1e-4 of
// each tensor's largest entry — the one documented difference being ARMT's first-segment γ = 1
// where the general formula gives 1 − ε/(|φk|² + ε).
import Foundation
import RMTKernels
import RMTTestSupport
import Testing

@Test func associativeKernelsMatchARMTsComputation() throws {
    let data = try Data(contentsOf: fixture("associative/armt-chain.json"))
    let f = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let sizes = try #require(f["sizes"] as? [String: Any])
    let T = sizes["T"] as! Int, C = sizes["C"] as! Int, M = sizes["M"] as! Int, D = sizes["D"] as! Int
    let nu = sizes["nu"] as! Int, eps = Float(sizes["eps"] as! Double), K = 2 * nu * D
    func matrix(_ key: String) -> [Float] { (f[key] as! [[Double]]).flatMap { $0.map(Float.init) } }
    func matrices(_ key: String) -> [[Float]] { (f[key] as! [[[Double]]]).map { $0.flatMap { $0.map(Float.init) } } }
    let wq = FloatBuffer(matrix("query")), wk = FloatBuffer(matrix("key")), wv = FloatBuffer(matrix("value"))
    let wb = FloatBuffer(matrix("beta_weight")), bb = FloatBuffer((f["beta_bias"] as! [Double]).map(Float.init))
    let layer = matrix("layer")
    let a = FloatBuffer(count: K * C), z = FloatBuffer(count: K)
    let q = FloatBuffer(count: T * D), phiQ = FloatBuffer(count: T * K), read = FloatBuffer(count: T * C), den = FloatBuffer(count: T)
    let key = FloatBuffer(count: M * D), phiK = FloatBuffer(count: M * K), value = FloatBuffer(count: M * C)
    let beta = FloatBuffer(count: M), prev = FloatBuffer(count: M * C), wden = FloatBuffer(count: M), gamma = FloatBuffer(count: M)
    let scratch = FloatBuffer(count: M * (K + C)), out = FloatBuffer(count: T * C)
    let expectedInputs = matrices("layer_inputs"), expectedOutputs = matrices("layer_outputs")
    for (s, input) in matrices("inputs").enumerated() {
        let h = FloatBuffer(input)
        linearForward(out: q.pointer, inp: h.pointer, weight: wq.pointer, bias: nil, rows: T, inDim: C, outDim: D)
        dpfpForward(out: phiQ.pointer, inp: q.pointer, rows: T, dim: D, nu: nu)
        associativeReadForward(read: read.pointer, den: den.pointer, phiQ: phiQ.pointer, a: a.pointer, z: z.pointer,
                               rows: T, features: K, channels: C, eps: eps)
        addForward(out: h.pointer, a: h.pointer, b: read.pointer, count: T * C)
        expectClose(h.array, expectedInputs[s], relative: 1e-4, "segment \(s + 1): the layer's input after the read")
        for r in 0..<T {
            for c in 0..<C {
                var acc: Float = 0
                for i in 0..<C { acc += h.pointer[r * C + i] * layer[i * C + c] }
                out.pointer[r * C + c] = tanh(acc)
            }
        }
        expectClose(out.array, expectedOutputs[s], relative: 1e-4, "segment \(s + 1): the layer's output")
        let y = UnsafePointer(out.pointer + (T - M) * C)  // ARMT's memory tokens: the last M rows
        linearForward(out: key.pointer, inp: y, weight: wk.pointer, bias: nil, rows: M, inDim: C, outDim: D)
        dpfpForward(out: phiK.pointer, inp: key.pointer, rows: M, dim: D, nu: nu)
        linearForward(out: value.pointer, inp: y, weight: wv.pointer, bias: nil, rows: M, inDim: C, outDim: C)
        linearForward(out: beta.pointer, inp: y, weight: wb.pointer, bias: bb.pointer, rows: M, inDim: C, outDim: 1)
        for j in 0..<M { beta.pointer[j] = 1 / (1 + exp(-beta.pointer[j])) }
        associativeWriteForward(aOut: a.pointer, zOut: z.pointer, prev: prev.pointer, den: wden.pointer, gamma: gamma.pointer,
                                aIn: a.pointer, zIn: z.pointer, phiK: phiK.pointer, v: value.pointer, beta: beta.pointer,
                                scratch: scratch.pointer, memoryRows: M, features: K, channels: C, eps: eps)
    }
    expectClose(a.array, matrix("final_A"), relative: 1e-4, "final A")
    expectClose(z.array, (f["final_z"] as! [Double]).map(Float.init), relative: 1e-4, "final z")
    withExtendedLifetime((wq, wk, wv, wb, bb)) {}
}
