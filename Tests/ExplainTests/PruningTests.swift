import Encoding
@testable import Explain
import GenomeIO
import Model
import TestSupport
import XCTest

final class PruningTests: XCTestCase {
    func mask(_ values: [Float], _ p: Float, _ q: Float) -> [Float] {
        var m = [Float](repeating: 0, count: values.count)
        var scratch = RelevancePruning.Scratch()
        _ = values.withUnsafeBufferPointer { v in
            m.withUnsafeMutableBufferPointer { RelevancePruning.mask(v, positive: p, negative: q, mask: $0, scratch: &scratch) }
        }
        return m
    }

    func testThresholdPrunesTheSmallestPrefixWithinBudget() {
        // Positives 1, 2, 3, 4 (total 10): p = 0.3 prunes 1 and 2 (mass 3 ≤ 3), not 3.
        XCTAssertEqual(mask([3, 1, 4, 2], 0.3, 0), [1, 0, 1, 0])
        // Ties broken by index: 1, 1, 1, 7 with budget 2 prunes the first two ones only.
        XCTAssertEqual(mask([1, 1, 1, 7], 0.2, 0), [0, 0, 1, 1])
        // Negatives separately: |−1|, |−3| (total 4), q = 0.25 prunes −1.
        XCTAssertEqual(mask([2, -1, -3, 5], 0, 0.25), [1, 0, 1, 1])
    }

    /// The PLRP threshold written out directly: sort each sign by magnitude (ties by index), prune the longest
    /// prefix within the budget. The bucketed selection must give the same mask, on magnitudes spread over many
    /// orders of magnitude, with ties and zeros.
    func testBucketedSelectionEqualsAFullSort() {
        func reference(_ values: [Float], _ p: Float, _ q: Float) -> [Float] {
            var m = [Float](repeating: 1, count: values.count)
            for (sign, fraction) in [(Float(1), p), (-1, q)] where fraction > 0 {
                let entries = values.indices.filter { values[$0] * sign > 0 }
                    .sorted { (values[$0] * sign, $0) < (values[$1] * sign, $1) }
                let total = entries.reduce(0.0) { $0 + Double(values[$1] * sign) }
                var pruned = 0.0
                for i in entries {
                    guard pruned + Double(values[i] * sign) <= Double(fraction) * total else { break }
                    pruned += Double(values[i] * sign)
                    m[i] = 0
                }
            }
            return m
        }
        var random = SeededRandom(seed: 21)
        for trial in 0..<300 {
            let count = 1 + Int(random.next() % 600)
            let values = (0..<count).map { _ -> Float in
                switch random.next() % 8 {
                case 0: return 0
                case 1: return 0.25  // ties
                case 2: return -0.25
                default: return random.uniform(-1, 1) * powf(10, random.uniform(-6, 2))
                }
            }
            for (p, q) in [(Float(0.5), Float(0.25)), (0.1, 0.9), (0.99, 0.5), (1, 1)] {
                XCTAssertEqual(mask(values, p, q), reference(values, p, q), "trial \(trial), p \(p), q \(q)")
            }
        }
    }

    func testPrunedMassNeverExceedsTheFraction() {
        var random = SeededRandom(seed: 8)
        for _ in 0..<200 {
            let values = (0..<50).map { _ in random.uniform(-1, 1) }
            for p in [Float(0.1), 0.5, 0.9] {
                let m = mask(values, p, p / 2)
                let positive = values.filter { $0 > 0 }.reduce(0, +), negative = values.filter { $0 < 0 }.reduce(0, +)
                let prunedPositive = zip(values, m).filter { $0 > 0 && $1 == 0 }.map(\.0).reduce(0, +)
                let prunedNegative = zip(values, m).filter { $0 < 0 && $1 == 0 }.map(\.0).reduce(0, +)
                XCTAssertLessThanOrEqual(prunedPositive, p * positive + 1e-5)
                XCTAssertLessThanOrEqual(abs(prunedNegative), p / 2 * abs(negative) + 1e-5)
            }
        }
    }

    func testLambdaConservesEachSign() {
        var values: [Float] = [3, 1, 4, 2, -1, -3]
        let m = mask(values, 0.3, 0.25)
        var scratch = RelevancePruning.Scratch()
        let masses = values.withUnsafeBufferPointer { v in
            var unused = m
            return unused.withUnsafeMutableBufferPointer { RelevancePruning.mask(v, positive: 0.3, negative: 0.25, mask: $0, scratch: &scratch) }
        }
        _ = values.withUnsafeMutableBufferPointer { v in m.withUnsafeBufferPointer { RelevancePruning.scale(v, mask: $0, masses: masses) } }
        XCTAssertEqual(values, [3 * 10.0 / 7, 0, 4 * 10.0 / 7, 0, 0, -4])
    }

    var model: Network { get throws { try ModelFile.load(path: Repo.path("data/models/default.safetensors")) } }

    /// Real chr2R windows of the shipped model's input length (300), from 5 Mb on, one-hot.
    func windows(_ count: Int = 200) throws -> Tensor {
        let fasta = try FastaFile(path: Repo.genome)
        var bases: [UInt8] = []
        try fasta.fetch(contig: "chr2R", start: 5_000_000, end: 5_000_000 + count * 300, into: &bases)
        var values: [Float] = []
        OneHotEncoder().encode(bases, count: count, length: 300, appendingTo: &values)
        return Tensor(shape: [count, 4, 300], values: values)
    }

    func testZeroPruningIsPlainLRP() throws {
        let input = try windows(32)
        let plain = try LRP(model: model).explain(input, target: 0, compute: Compute(threads: 2))
        for variant in PruningPlan.Variant.allCases {
            let zero = try LRP(model: model, pruning: PruningPlan(global: 0, variant: variant)).explain(input, target: 0, compute: Compute(threads: 2))
            XCTAssertEqual(zero.relevance.values, plain.relevance.values)
        }
    }

    func testLambdaKeepsLayerMassesAndMSendsNothingToPrunedNeurons() throws {
        let input = try windows(32)
        let lambda = try LRP(model: model, pruning: PruningPlan(global: 0.5)).explain(input, target: 0, compute: Compute(threads: 2))
        XCTAssertLessThan(lambda.worstLayerMassChange, 1e-5)
        XCTAssertTrue(lambda.unexplainedDeviations().isEmpty)
    }

    /// PLRP-M: at every prunable layer's input, the neurons the unpruned relevance marks for pruning receive nothing,
    /// and the kept ones carry the relevance onwards.
    func testMSendsNoRelevanceToPrunedNeurons() throws {
        let input = try windows(8)
        let network = try model
        let plain = try LRP(model: network)
        let pruned = try LRP(model: network, pruning: PruningPlan(global: 0.5, variant: .m))
        let before = plain.layerRelevances(input, targets: Array(repeating: 0, count: 8))
        let after = pruned.layerRelevances(input, targets: Array(repeating: 0, count: 8))
        let prunable = network.layers.indices.filter { network.layers[$0] is Conv1d || network.layers[$0] is Dense }.dropFirst()
        XCTAssertFalse(prunable.isEmpty)
        for index in prunable {
            // The mask comes from the relevance LRP computes at this step from the (PLRP-M) relevance above it.
            let step = LinearRelevance(map: LinearMap(network.layers[index])!, compute: Compute(), stabilizer: 1e-6)
            let activations = network.activations(input, compute: Compute())
            let rule = pruned.composite.rule(for: network.layers[index].spec, isFirst: false)
            let unpruned = step.relevance(rule, input: activations[index], output: after[index + 1]).relevance
            let row = unpruned.rowLength
            var zeroWhereMasked = 0, maskedTotal = 0
            for item in 0..<8 {
                var m = [Float](repeating: 0, count: row)
                var scratch = RelevancePruning.Scratch()
                _ = unpruned.values[(item * row)..<((item + 1) * row)].withUnsafeBufferPointer { v in
                    m.withUnsafeMutableBufferPointer { RelevancePruning.mask(v, positive: 0.5, negative: 0.25, mask: $0, scratch: &scratch) }
                }
                for i in 0..<row where m[i] == 0 && unpruned.values[item * row + i] != 0 {
                    maskedTotal += 1
                    if after[index].values[item * row + i] == 0 { zeroWhereMasked += 1 }
                }
            }
            XCTAssertGreaterThan(maskedTotal, 0, "layer \(index) prunes something")
            XCTAssertEqual(zeroWhereMasked, maskedTotal, "layer \(index): pruned neurons receive no relevance")
        }
        XCTAssertEqual(before.count, after.count)
    }

    /// The Gini index of per-base relevance rises with p for both variants.
    func testSparsityRisesWithPruning() throws {
        let input = try windows()
        for variant in PruningPlan.Variant.allCases {
            var previous = -1.0
            for p in [Float(0), 0.25, 0.5, 0.75] {
                let lrp = try LRP(model: model, pruning: PruningPlan(global: p, variant: variant))
                let relevance = lrp.explain(input, target: 0, compute: Compute(threads: 2)).relevance
                var gini = 0.0
                for w in 0..<input.shape[0] {
                    let perBase = (0..<300).map { i in abs((0..<4).reduce(Float(0)) { $0 + relevance.values[(w * 4 + $1) * 300 + i] }) }
                    gini += Self.gini(perBase)
                }
                gini /= Double(input.shape[0])
                XCTAssertGreaterThan(gini, previous, "\(variant) p=\(p)")
                previous = gini
            }
        }
    }

    static func gini(_ values: [Float]) -> Double {
        let sorted = values.map(Double.init).sorted()
        let n = Double(sorted.count), total = sorted.reduce(0, +)
        guard total > 0 else { return 0 }
        return sorted.enumerated().reduce(0.0) { $0 + (2 * Double($1.offset + 1) - n - 1) * $1.element } / (n * total)
    }
}
