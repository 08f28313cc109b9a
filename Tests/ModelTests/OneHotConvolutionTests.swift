import Model
import XCTest

/// The look-up convolution on one-hot input against the convolution written out as plain loops, for paddings,
/// strides, dilations and channel counts that do not fill whole SIMD blocks; N columns (all zero) included.
final class OneHotConvolutionTests: XCTestCase {
    struct Case {
        let cout: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding
    }

    let cases = [
        Case(cout: 20, kernel: 5, stride: 1, dilation: 1, padding: .same),
        Case(cout: 32, kernel: 4, stride: 1, dilation: 1, padding: .same),
        Case(cout: 7, kernel: 3, stride: 2, dilation: 2, padding: .explicit(3)),
        Case(cout: 16, kernel: 6, stride: 3, dilation: 1, padding: .valid),
        // The widths with kernels of their own: 4 and 8 blocks of 16 channels.
        Case(cout: 64, kernel: 15, stride: 1, dilation: 1, padding: .same),
        Case(cout: 128, kernel: 5, stride: 1, dilation: 2, padding: .same),
    ]

    var random = SeededRandom(seed: 11)

    func conv(_ c: Case) -> Conv1d {
        var spec = LayerSpec(kind: .conv1d, name: "c")
        spec.inChannels = 4
        spec.outChannels = c.cout
        spec.kernelSize = c.kernel
        spec.stride = c.stride
        spec.dilation = c.dilation
        spec.padding = c.padding
        let weight = (0..<(c.cout * 4 * c.kernel)).map { _ in random.uniform(-1, 1) }
        let bias = (0..<c.cout).map { _ in random.uniform(-0.5, 0.5) }
        return Conv1d(spec: spec, weight: Tensor(shape: [c.cout, 4, c.kernel], values: weight),
                      bias: Tensor(shape: [c.cout], values: bias))
    }

    /// Three windows of 23 bases; every fifth position of the second window is N (all zero).
    func oneHot(length: Int = 23) -> Tensor {
        var values = [Float](repeating: 0, count: 3 * 4 * length)
        for w in 0..<3 {
            for i in 0..<length where !(w == 1 && i % 5 == 0) {
                values[(w * 4 + Int(random.next() % 4)) * length + i] = 1
            }
        }
        return Tensor(shape: [3, 4, length], values: values)
    }

    /// Input position of output step t, tap j (may lie outside the input).
    func position(_ layer: Conv1d, _ t: Int, _ j: Int) -> Int {
        t * layer.spec.stride + j * layer.spec.dilation - layer.padding.left
    }

    func testForwardEqualsPlainConvolution() {
        for c in cases {
            let layer = conv(c), x = oneHot(), length = x.shape[2]
            let lout = layer.outputLength(for: length)
            XCTAssertNotNil(OneHotCodes(x))
            let ours = layer.forward(x, compute: Compute(threads: 2))
            XCTAssertEqual(ours.shape, [3, c.cout, lout])
            for n in 0..<3 {
                for o in 0..<c.cout {
                    for t in 0..<lout {
                        var z = layer.bias!.values[o]
                        for ci in 0..<4 {
                            for j in 0..<c.kernel {
                                let p = position(layer, t, j)
                                guard p >= 0, p < length else { continue }
                                z += layer.weight.values[(o * 4 + ci) * c.kernel + j] * x.values[(n * 4 + ci) * length + p]
                            }
                        }
                        XCTAssertEqual(ours.values[(n * c.cout + o) * lout + t], z, accuracy: 1e-5, "\(c) n \(n) o \(o) t \(t)")
                    }
                }
            }
        }
    }

    func testInputTimesTransposedEqualsPlainLoops() {
        for c in cases {
            let layer = conv(c), x = oneHot(), length = x.shape[2]
            let lout = layer.outputLength(for: length)
            let s = Tensor(shape: [3, c.cout, lout], values: (0..<(3 * c.cout * lout)).map { _ in random.uniform(-1, 1) })
            let w = layer.weight.values.map { max($0, 0) }
            let ours = layer.transposedTimesOneHot(s, weight: w, input: OneHotCodes(x)!, compute: Compute(threads: 2))
            var expected = [Float](repeating: 0, count: 3 * 4 * length)
            for n in 0..<3 {
                for o in 0..<c.cout {
                    for t in 0..<lout {
                        for ci in 0..<4 {
                            for j in 0..<c.kernel {
                                let p = position(layer, t, j)
                                guard p >= 0, p < length else { continue }
                                expected[(n * 4 + ci) * length + p] += x.values[(n * 4 + ci) * length + p]
                                    * w[(o * 4 + ci) * c.kernel + j] * s.values[(n * c.cout + o) * lout + t]
                            }
                        }
                    }
                }
            }
            XCTAssertEqual(ours.shape, x.shape, "\(c)")
            XCTAssertEqual(ours.values.count, expected.count, "\(c)")
            for (i, (a, b)) in zip(ours.values, expected).enumerated() {
                XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(c) index \(i)")
            }
        }
    }

    func testFractionalColumnsAreNotOneHot() {
        var x = oneHot()
        x.values[5] = 0.25
        XCTAssertNil(OneHotCodes(x))
        x = oneHot()
        x.values[5] = 1
        x.values[23 + 5] = 1  // two bases in one column
        XCTAssertNil(OneHotCodes(x))
    }
}
