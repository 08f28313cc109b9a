import CKernels
@testable import Model
import XCTest

/// The direct stride-1 convolution (items side by side in padded rows) against the convolution written out as plain
/// loops in double precision, and so is its transpose (the relevance and gradient step): paddings, dilations, kernel sizes, 8–128 output channels, lengths shorter than a SIMD
/// block and item counts that leave a partial chunk.
final class DirectConvolutionTests: XCTestCase {
    struct Case {
        let cin: Int, cout: Int, kernel: Int, dilation: Int, padding: Padding, length: Int, items: Int
    }

    let cases = [
        Case(cin: 64, cout: 64, kernel: 7, dilation: 1, padding: .same, length: 75, items: 19),
        Case(cin: 64, cout: 128, kernel: 5, dilation: 1, padding: .same, length: 18, items: 20),
        Case(cin: 3, cout: 8, kernel: 1, dilation: 1, padding: .valid, length: 1, items: 5),
        Case(cin: 17, cout: 24, kernel: 4, dilation: 1, padding: .same, length: 33, items: 16),
        Case(cin: 16, cout: 16, kernel: 3, dilation: 3, padding: .explicit(2), length: 50, items: 17),
        Case(cin: 8, cout: 40, kernel: 9, dilation: 2, padding: .valid, length: 100, items: 3),
    ]

    func testForwardAndTransposeEqualPlainConvolution() {
        var random = SeededRandom(seed: 21)
        var transposedCases = 0
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
            XCTAssertEqual(product.shape, ours.shape, "\(c)")
            XCTAssertEqual(zip(ours.values, product.values).map { abs($0 - $1) }.max() ?? 0, 0, accuracy: 1e-4, "\(c)")

            // The transpose: ⟨Wx, s⟩ = ⟨x, Wᵀs⟩ for the linear part, and Wᵀs against plain loops.
            if c.cin % 8 == 0, layer.transposedPadding(inputLength: c.length, outputLength: lout) != nil {
                let s = Tensor(shape: [c.items, c.cout, lout], values: (0..<(c.items * c.cout * lout)).map { _ in random.uniform(-1, 1) })
                let back = layer.transposed(s, inputLength: c.length, compute: Compute(threads: 2))
                XCTAssertEqual(back.shape, x.shape)
                var worstBack = 0.0
                for n in 0..<c.items {
                    for ci in 0..<c.cin {
                        for p in 0..<c.length {
                            var sum = 0.0
                            for o in 0..<c.cout {
                                for j in 0..<c.kernel {
                                    let t = p + layer.padding.left - j * c.dilation
                                    guard t >= 0, t < lout else { continue }
                                    sum += Double(weight[(o * c.cin + ci) * c.kernel + j]) * Double(s.values[(n * c.cout + o) * lout + t])
                                }
                            }
                            worstBack = max(worstBack, abs(Double(back.values[(n * c.cin + ci) * c.length + p]) - sum))
                        }
                    }
                }
                XCTAssertLessThan(worstBack, 1e-4, "transposed \(c)")
                transposedCases += 1
            }
        }
        XCTAssertEqual(transposedCases, 4)
    }

    /// CPUs without AVX-512 run the 8-float kernel: it must give the very same numbers, whatever CPU runs the tests.
    func testNarrowKernelEqualsTheDispatchedOne() {
        var random = SeededRandom(seed: 5)
        for (cin, cout, taps, dilation, columns) in [(64, 64, 7, 1, 1296), (64, 128, 5, 1, 352), (3, 8, 2, 3, 16), (16, 24, 9, 2, 80)] {
            var g = plrp_direct_conv(cin: cin, cout: cout, taps: taps, dilation: dilation, columns: columns,
                                     row: columns + (taps - 1) * dilation)
            let weight = (0..<(cout * cin * taps)).map { _ in random.uniform(-1, 1) }
            let bias = (0..<cout).map { _ in random.uniform(-1, 1) }
            let x = (0..<(cin * g.row)).map { _ in random.uniform(-1, 1) }
            var packed = [Float](repeating: 0, count: weight.count)
            plrp_direct_conv_pack(&g, weight, &packed)
            var dispatched = [Float](repeating: .nan, count: cout * columns), narrow = dispatched
            plrp_direct_conv_forward(&g, packed, bias, x, &dispatched)
            plrp_direct_conv_forward_narrow(&g, packed, bias, x, &narrow)
            XCTAssertFalse(dispatched.contains { $0.isNaN })
            XCTAssertEqual(dispatched, narrow, "\(cin)→\(cout), \(taps) taps")
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
