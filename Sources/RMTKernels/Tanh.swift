// Tanh: the BERT pooler's activation, pooled = tanh(W·h_cls + b).
//
// It runs on one row per sequence (B×C values), so a scalar libm tanh is fast enough and
// keeps full relative accuracy near 0 (a 1 − 2/(e^{2x}+1) SIMD formula would not).
// Not used inside the encoder layers. Plain-loop twins: Reference.tanhForward/Backward.
import Foundation

/// out[i] = tanh(inp[i]). `out` may alias `inp`.
/// - Parameters:
///   - out: (count), overwritten.
///   - inp: (count).
public func tanhForward(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { out[i] = Foundation.tanh(inp[i]) }
}

/// Backward of `tanhForward`, from its output: dinp[i] += dout[i]·(1 − out[i]²).
/// - Parameters:
///   - dinp: (count), accumulated; must not alias `dout`.
///   - dout: (count) — gradient with respect to the forward output.
///   - out: (count) — the forward output tanh(inp).
public func tanhBackward(dinp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         out: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { dinp[i] += dout[i] * (1 - out[i] * out[i]) }
}
