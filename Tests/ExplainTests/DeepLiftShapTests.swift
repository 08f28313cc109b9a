import Encoding
@testable import Explain
import Model
import TestSupport
import XCTest

/// DeepLIFT/SHAP's own properties: references keep every window's dinucleotides, the multipliers converge, the
/// hypothetical map projects onto the attributions, and nothing depends on threads.
final class DeepLiftShapTests: XCTestCase {
    let model = try! ModelFile.load(path: Repo.path("data/models/default.safetensors"))

    func windows(_ n: Int) -> Tensor { GraphModels.oneHot(count: n, length: model.inputLength, seed: 21) }

    func dinucleotides(_ values: ArraySlice<Float>, length: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: 16)
        let start = values.startIndex
        func base(_ t: Int) -> Int? { (0..<4).first { values[start + $0 * length + t] == 1 } }
        for t in 0..<(length - 1) {
            if let a = base(t), let b = base(t + 1) { counts[a * 4 + b] += 1 }
        }
        return counts
    }

    func testShufflesKeepDinucleotideCountsAndDependOnTheWindowIndexOnly() {
        var x = windows(6)
        let length = model.inputLength, row = 4 * length
        for c in 0..<4 { for t in 40..<47 { x.values[2 * row + c * length + t] = 0 } }  // an N run stays in place
        let source = ReferenceSource.shuffles(count: 5, seed: 7)
        let refs = source.references(for: x, windows: Array(10..<16))
        XCTAssertEqual(refs.shape, [6, 5, 4, length])
        for i in 0..<6 {
            let observed = dinucleotides(x.values[(i * row)..<((i + 1) * row)], length: length)
            XCTAssertGreaterThan(observed.reduce(0, +), 0)
            for k in 0..<5 {
                let offset = (i * 5 + k) * row
                XCTAssertEqual(dinucleotides(refs.values[offset..<(offset + row)], length: length), observed, "window \(i) shuffle \(k)")
                XCTAssertNotEqual(Array(refs.values[offset..<(offset + row)]), Array(x.values[(i * row)..<((i + 1) * row)]))
            }
        }
        let n = (0..<4).map { c in refs.values[(2 * 5) * row + c * length + 43] }
        XCTAssertEqual(n, [0, 0, 0, 0], "N columns stay N")
        // Window 12 alone gets the same references as inside the batch.
        let alone = source.references(for: Tensor(shape: [1, 4, length], values: Array(x.values[(2 * row)..<(3 * row)])), windows: [12])
        XCTAssertEqual(alone.values, Array(refs.values[(2 * 5 * row)..<(3 * 5 * row)]))
    }

    func testConvergenceAndProjection() throws {
        let x = windows(8)
        let refs = ReferenceSource.shuffles(count: 20, seed: 3).references(for: x, windows: Array(0..<8))
        let result = DeepLiftShap(model: model).explain(x, references: refs, targets: Array(repeating: .scalar(0), count: 8),
                                                       compute: Compute(threads: 2))
        XCTAssertEqual(result.deltas.count, 160)
        for (delta, difference) in zip(result.deltas, result.outputDifferences) {
            XCTAssertLessThanOrEqual(delta, 1e-4 * max(difference, 1), "Σ (x − ref)·m = f(x) − f(ref)")
        }
        XCTAssertEqual(result.projected.values, zip(result.hypothetical.values, x.values).map { $0 * $1 })
        // Σ attributions = f(x) − mean f(ref).
        let row = x.rowLength
        for i in 0..<8 {
            let total = result.projected.values[(i * row)..<((i + 1) * row)].reduce(0, +)
            XCTAssertEqual(total, result.targetValues[i] - result.referenceMeans[i], accuracy: 1e-4 * max(1, abs(result.targetValues[i])))
        }
        let serial = DeepLiftShap(model: model).explain(x, references: refs, targets: Array(repeating: .scalar(0), count: 8),
                                                       compute: Compute(threads: 1))
        XCTAssertEqual(serial.hypothetical.values, result.hypothetical.values)
    }

    /// On a BPNet-shaped graph, both heads converge too (the profile through bpnet-lite's scaled logits).
    func testGraphHeadsConverge() throws {
        let bpnet = try GraphModels.model(GraphModels.bpnetJSON())
        let x = GraphModels.oneHot(count: 3, length: bpnet.inputLength)
        let refs = ReferenceSource.shuffles(count: 4, seed: 1).references(for: x, windows: [0, 1, 2])
        for target in [Target.scalar(0), .profile(head: 0)] {
            let result = DeepLiftShap(model: bpnet).explain(x, references: refs, targets: [target, target, target], compute: Compute())
            XCTAssertEqual(result.deltas.count, 12)
            for (delta, difference) in zip(result.deltas, result.outputDifferences) {
                XCTAssertLessThanOrEqual(delta, 1e-4 * max(difference, 1), "\(target)")
            }
        }
    }

    func testBothStrandsAverageTheReverseComplement() throws {
        let x = windows(3)
        let attributor = try Attributor(network: model, method: .gradientXInput, strand: .both)
        let both = attributor.attribute(x, targets: [.scalar(0), .scalar(0), .scalar(0)], firstWindow: 0, compute: Compute())
        let forward = InputGradient.timesInput(model, input: x, targets: [0, 0, 0], compute: Compute())
        let reverse = InputGradient.timesInput(model, input: Attributor.reverseComplement(x), targets: [0, 0, 0], compute: Compute())
        let back = Attributor.reverseComplement(reverse)
        XCTAssertEqual(both.relevance.count, forward.count)
        for i in 0..<forward.count { XCTAssertEqual(both.relevance.values[i], (forward.values[i] + back.values[i]) / 2, accuracy: 1e-6) }
        XCTAssertThrowsError(try Attributor(network: model, method: .ism, hypothetical: true))
    }

    func testLRPHypotheticalProjectsOntoTheRelevance() throws {
        let x = windows(4)
        let lrp = try LRP(model: model, pruning: PruningPlan(global: 0.5))
        let explanation = lrp.explain(x, targets: Array(repeating: Target.scalar(0), count: 4), hypothetical: true, compute: Compute())
        let hypothetical = try XCTUnwrap(explanation.hypothetical)
        XCTAssertEqual(hypothetical.shape, x.shape)
        XCTAssertGreaterThan(hypothetical.values.filter { $0 != 0 }.count, explanation.relevance.values.filter { $0 != 0 }.count,
                             "absent bases get hypothetical relevance")
        for i in 0..<x.count {
            XCTAssertEqual(hypothetical.values[i] * x.values[i], explanation.relevance.values[i],
                           accuracy: 1e-6 * max(1, abs(explanation.relevance.values[i])))
        }
    }
}
