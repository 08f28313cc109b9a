@testable import Explain
import Model
import XCTest

/// Each rule against its formula (docs/method.md) written out with plain loops over a small dense layer, on inputs that
/// include negative values (as zennit tests itself), and once through a padded, strided, dilated convolution.
final class RuleDerivationTests: XCTestCase {
    let x: [Float] = [0.7, -1.2, 0.0, 2.1, -0.4, 1.5]
    let w: [[Float]] = [[0.5, -0.3, 0.8, -1.1, 0.2, 0.4], [-0.6, 0.9, -0.2, 0.3, 0.7, -0.5], [0.1, 0.2, -0.9, 0.6, -0.4, 1.2]]
    let b: [Float] = [0.3, -0.2, 0.05]
    let r: [Float] = [1.0, -0.5, 2.0]
    let eps: Float = 1e-6

    func st(_ z: Float) -> Float { z >= 0 ? z + eps : z - eps }
    func pos(_ v: Float) -> Float { max(v, 0) }
    func neg(_ v: Float) -> Float { min(v, 0) }

    /// Σ_k over outputs of a term input'_i · W'_ki · R_k / st(z'_k).
    func term(_ input: [Float], _ weight: (Float) -> Float, _ s: [Float]) -> [Float] {
        (0..<x.count).map { i in (0..<3).reduce(Float(0)) { $0 + input[i] * weight(w[$1][i]) * s[$1] } }
    }

    func z(_ input: [Float], _ weight: (Float) -> Float, _ bias: (Float) -> Float) -> [Float] {
        (0..<3).map { k in (0..<x.count).reduce(bias(b[k])) { $0 + input[$1] * weight(w[k][$1]) } }
    }

    func ours(_ rule: Rule) throws -> [Float] {
        var spec = LayerSpec(kind: .dense, name: "d")
        spec.inFeatures = 6
        spec.outFeatures = 3
        let dense = Dense(spec: spec, weight: Tensor(shape: [3, 6], values: w.flatMap { $0 }), bias: Tensor(shape: [3], values: b))
        let step = LinearRelevance(map: LinearMap(dense)!, compute: Compute(), stabilizer: eps)
        return step.relevance(rule, input: Tensor(shape: [1, 6], values: x), output: Tensor(shape: [1, 3], values: r)).relevance.values
    }

    func assertClose(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(message): lengths", file: file, line: line)
        XCTAssertFalse(b.isEmpty, "\(message): nothing to compare", file: file, line: line)
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-5 * max(1, abs(v)), message, file: file, line: line) }
    }

    func testEpsilon() throws {
        let s = zip(r, z(x, { $0 }, { $0 })).map { $0 / (($1 >= 0) ? $1 + 0.01 : $1 - 0.01) }
        assertClose(try ours(.epsilon(0.01)), zip(x, term(Array(repeating: 1, count: 6), { $0 }, s)).map { $0 * $1 }, "epsilon")
    }

    func testZPlus() throws {
        let xp = x.map(pos), xn = x.map(neg)
        let zp = zip(z(xp, pos, pos), z(xn, neg, { _ in 0 })).map { $0 + $1 }
        let s = zip(r, zp).map { $0 / st($1) }
        assertClose(try ours(.zPlus), zip(term(xp, pos, s), term(xn, neg, s)).map { $0 + $1 }, "zplus")
    }

    func testAlphaBeta() throws {
        let xp = x.map(pos), xn = x.map(neg)
        let zp = zip(z(xp, pos, pos), z(xn, neg, { _ in 0 })).map { $0 + $1 }
        let zn = zip(z(xp, neg, neg), z(xn, pos, { _ in 0 })).map { $0 + $1 }
        let sp = zip(r, zp).map { $0 / st($1) }, sn = zip(r, zn).map { $0 / st($1) }
        let positive = zip(term(xp, pos, sp), term(xn, neg, sp)).map { $0 + $1 }
        let negative = zip(term(xp, neg, sn), term(xn, pos, sn)).map { $0 + $1 }
        assertClose(try ours(.alphaBeta(alpha: 2, beta: 1)), zip(positive, negative).map { 2 * $0 - $1 }, "alpha2beta1")
    }

    func testGamma() throws {
        let g: Float = 0.25
        let xp = x.map(pos), xn = x.map(neg)
        let up = { (v: Float) in v + g * max(v, 0) }, down = { (v: Float) in v + g * min(v, 0) }
        let plain = z(x, { $0 }, { $0 })
        let zUp = zip(z(xp, up, up), z(xn, down, { _ in 0 })).map { $0 + $1 }
        let zDown = zip(z(xp, down, down), z(xn, up, { _ in 0 })).map { $0 + $1 }
        let sUp = (0..<3).map { plain[$0] > 0 ? r[$0] / st(zUp[$0]) : 0 }
        let sDown = (0..<3).map { plain[$0] < 0 ? r[$0] / st(zDown[$0]) : 0 }
        let expected = (0..<6).map { i in
            term(xp, up, sUp)[i] + term(xn, down, sUp)[i] + term(xp, down, sDown)[i] + term(xn, up, sDown)[i]
        }
        assertClose(try ours(.gamma(g)), expected, "gamma")
    }

    func testZBox() throws {
        let low: Float = -1, high: Float = 2
        let lows = Array(repeating: low, count: 6), highs = Array(repeating: high, count: 6)
        let zb = (0..<3).map { k in z(x, { $0 }, { $0 })[k] - z(lows, pos, pos)[k] - z(highs, neg, neg)[k] }
        let s = zip(r, zb).map { $0 / st($1) }
        let expected = (0..<6).map { i in
            zip(x, term(Array(repeating: 1, count: 6), { $0 }, s)).map { $0 * $1 }[i] - term(lows, pos, s)[i] - term(highs, neg, s)[i]
        }
        assertClose(try ours(.zBox(low: low, high: high)), expected, "zbox")
    }

    func testFlatAndWSquare() throws {
        let ones = Array(repeating: Float(1), count: 6)
        let sFlat = r.map { $0 / st(6) }
        assertClose(try ours(.flat), term(ones, { _ in 1 }, sFlat), "flat")
        let zSquare = z(ones, { $0 * $0 }, { $0 * $0 })
        let sSquare = zip(r, zSquare).map { $0 / st($1) }
        assertClose(try ours(.wSquare), term(ones, { $0 * $0 }, sSquare), "wsquare")
    }

    /// A conv layer (stride 2, dilation 2, padding 3) under the epsilon rule against loops over its definition.
    func testConvolutionEpsilon() throws {
        var spec = LayerSpec(kind: .conv1d, name: "c")
        (spec.inChannels, spec.outChannels, spec.kernelSize, spec.stride, spec.dilation, spec.padding) = (2, 3, 3, 2, 2, .explicit(3))
        let length = 9
        var random = SeededRandom(seed: 4)
        let weight = (0..<18).map { _ in random.uniform(-1, 1) }, bias = (0..<3).map { _ in random.uniform(-0.2, 0.2) }
        let input = (0..<(2 * length)).map { _ in random.uniform(-1, 1) }
        let conv = Conv1d(spec: spec, weight: Tensor(shape: [3, 2, 3], values: weight), bias: Tensor(shape: [3], values: bias))
        let lout = conv.outputLength(for: length)
        let relevance = (0..<(3 * lout)).map { _ in random.uniform(-1, 1) }
        func position(_ t: Int, _ j: Int) -> Int { t * 2 + j * 2 - 3 }
        var zs = [Float](repeating: 0, count: 3 * lout)
        for o in 0..<3 { for t in 0..<lout {
            var sum = bias[o]
            for c in 0..<2 { for j in 0..<3 where (0..<length).contains(position(t, j)) { sum += weight[(o * 2 + c) * 3 + j] * input[c * length + position(t, j)] } }
            zs[o * lout + t] = sum
        } }
        var expected = [Float](repeating: 0, count: 2 * length)
        for o in 0..<3 { for t in 0..<lout {
            let s = relevance[o * lout + t] / st(zs[o * lout + t])
            for c in 0..<2 { for j in 0..<3 where (0..<length).contains(position(t, j)) {
                expected[c * length + position(t, j)] += input[c * length + position(t, j)] * weight[(o * 2 + c) * 3 + j] * s
            } }
        } }
        let step = LinearRelevance(map: LinearMap(conv)!, compute: Compute(), stabilizer: eps)
        let result = step.relevance(.epsilon(eps), input: Tensor(shape: [1, 2, length], values: input),
                                    output: Tensor(shape: [1, 3, lout], values: relevance)).relevance.values
        assertClose(result, expected, "conv epsilon")
    }
}
