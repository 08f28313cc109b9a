@testable import Model
import XCTest

/// The direct stride-1 convolution (items side by side in padded rows) against the convolution written out as plain
/// loops in double precision: paddings, dilations, kernel sizes, 8–128 output channels, lengths shorter than a SIMD
/// block and item counts that leave a partial chunk.
final class DirectConvolutionTests: XCTestCase {
    struct Case {
        let cin: Int, cout: Int, kernel: Int, dilation: Int, padding: Padding, length: Int, items: Int
    }

    let cases = [
        Case(cin: 64, cout: 64, kernel: 7, dilation: 1, padding: .same, length: 75, items: 37),
        Case(cin: 64, cout: 128, kernel: 5, dilation: 1, padding: .same, length: 18, items: 20),
        Case(cin: 3, cout: 8, kernel: 1, dilation: 1, padding: .valid, length: 1, items: 5),
        Case(cin: 17, cout: 24, kernel: 4, dilation: 1, padding: .same, length: 33, items: 16),
        Case(cin: 9, cout: 16, kernel: 3, dilation: 3, padding: .explicit(2), length: 50, items: 17),
        Case(cin: 5, cout: 40, kernel: 9, dilation: 2, padding: .valid, length: 100, items: 3),
    ]

    func testForwardEqualsPlainConvolution() {
        var random = SeededRandom(seed: 21)
        for c in cases {
            var spec = LayerSpec(kind: .conv1d, name: "c")
            spec.inChannels = c.cin
            spec.outChannels = c.cout
            spec.kernelSize = c.kernel
            spec.dilation = c.dilation
            spec.padding = c.padding
            let weight = (0..<(c.cout * c.cin * c.kernel)).map { _ in random.uniform(-1, 1) }
            let bias = (0..<c.cout).map { _ in random.uniform(-0.5, 0.5) }
            let layer = Conv1d(spec: spec, weight: Tensor(shape: [c.cout, c.cin, c.kernel], values: weight),
                               bias: Tensor(shape: [c.cout], values: bias))
            XCTAssertTrue(layer.runsDirect)
            let x = Tensor(shape: [c.items, c.cin, c.length],
                           values: (0..<(c.items * c.cin * c.length)).map { _ in random.uniform(-2, 2) })
            let lout = layer.outputLength(for: c.length)
            let ours = layer.forward(x, compute: Compute(threads: 2))
            XCTAssertEqual(ours.shape, [c.items, c.cout, lout])
            var worst = 0.0
            for n in 0..<c.items {
                for o in 0..<c.cout {
                    for t in 0..<lout {
                        var sum = Double(bias[o])
                        for ci in 0..<c.cin {
                            for j in 0..<c.kernel {
                                let p = t + j * c.dilation - layer.padding.left
                                guard p >= 0, p < c.length else { continue }
                                sum += Double(weight[(o * c.cin + ci) * c.kernel + j]) * Double(x.values[(n * c.cin + ci) * c.length + p])
                            }
                        }
                        worst = max(worst, abs(Double(ours.values[(n * c.cout + o) * lout + t]) - sum))
                    }
                }
            }
            XCTAssertLessThan(worst, 1e-4, "\(c)")
            // The same as im2col + sgemm, the path training keeps.
            let product = layer.forwardAsProduct(x, compute: Compute(threads: 1))
            XCTAssertEqual(zip(ours.values, product.values).map { abs($0 - $1) }.max() ?? 0, 0, accuracy: 1e-4, "\(c)")
        }
    }

    func testOtherStridesAndOddChannelCountsTakeTheProductPath() {
        var spec = LayerSpec(kind: .conv1d, name: "c")
        spec.inChannels = 4
        spec.outChannels = 8
        spec.kernelSize = 3
        spec.stride = 2
        XCTAssertFalse(Conv1d(spec: spec, weight: Tensor(shape: [8, 4, 3], values: .init(repeating: 0, count: 96)), bias: nil).runsDirect)
        spec.stride = 1
        spec.outChannels = 12
        XCTAssertFalse(Conv1d(spec: spec, weight: Tensor(shape: [12, 4, 3], values: .init(repeating: 0, count: 144)), bias: nil).runsDirect)
    }
}
