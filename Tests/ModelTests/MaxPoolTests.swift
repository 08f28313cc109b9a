import Model
import XCTest

/// Max pooling by 4 (the SIMD kernel) against the definition, including ties, negative values, rows whose output
/// count is not a multiple of 16 and a trailing partial window.
final class MaxPoolTests: XCTestCase {
    let pool: Pool1d = {
        var spec = LayerSpec(kind: .maxpool1d, name: "p")
        spec.kernelSize = 4
        spec.stride = 4
        return Pool1d(spec: spec)
    }()

    func testPoolingByFourEqualsPlainMaxima() {
        var random = SeededRandom(seed: 5)
        for length in [4, 75, 301, 640] {
            let values = (0..<(3 * 5 * length)).map { _ -> Float in
                random.next() % 5 == 0 ? 0.5 : random.uniform(-2, 2)
            }
            let out = pool.forward(Tensor(shape: [3, 5, length], values: values), compute: Compute(threads: 2))
            let lout = length / 4
            XCTAssertEqual(out.shape, [3, 5, lout])
            for row in 0..<15 {
                for t in 0..<lout {
                    let window = values[(row * length + 4 * t)..<(row * length + 4 * t + 4)]
                    XCTAssertEqual(out.values[row * lout + t], window.max()!, "length \(length) row \(row) t \(t)")
                }
            }
        }
    }

    /// The gradient goes to the first of equal maxima, as a left-to-right scan picks it; every other position gets 0.
    func testGradientGoesToTheFirstMaximum() {
        var random = SeededRandom(seed: 9)
        for length in [4, 75, 301] {
            // Many ties: values from {−1, 0, 0.5, 1}.
            let values = (0..<(2 * 3 * length)).map { _ in [Float(-1), 0, 0.5, 1][Int(random.next() % 4)] }
            let x = Tensor(shape: [2, 3, length], values: values)
            let y = pool.forward(x, compute: Compute(threads: 1))
            let lout = length / 4
            let gy = Tensor(shape: y.shape, values: (0..<y.count).map { _ in random.uniform(0.1, 1) })
            let gx = pool.backward(input: x, output: y, cache: TrainingCache(), outputGradient: gy, compute: Compute(threads: 2)).input
            var expected = [Float](repeating: 0, count: values.count)
            for row in 0..<6 {
                for t in 0..<lout {
                    var best = row * length + 4 * t
                    for j in 1..<4 where values[row * length + 4 * t + j] > values[best] { best = row * length + 4 * t + j }
                    expected[best] = gy.values[row * lout + t]
                }
            }
            XCTAssertEqual(gx.values, expected, "length \(length)")
        }
    }
}
