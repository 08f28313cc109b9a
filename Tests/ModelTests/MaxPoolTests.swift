import Model
import XCTest

/// Max pooling by 4 (the SIMD kernel) against the definition, including ties, negative values, rows whose output
/// count is not a multiple of 16 and a trailing partial window.
final class MaxPoolTests: XCTestCase {
    func testPoolingByFourEqualsPlainMaxima() {
        var random = SeededRandom(seed: 5)
        var spec = LayerSpec(kind: .maxpool1d, name: "p")
        spec.kernelSize = 4
        spec.stride = 4
        let pool = Pool1d(spec: spec)
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
}
