import Encoding
@testable import Explain
import Model
import TestSupport
import XCTest

final class GraphLRPTests: XCTestCase {
    let bpnet = try! GraphModels.model(GraphModels.bpnetJSON())
    let branches = try! GraphModels.model(GraphModels.branchesJSON())

    /// Central differences of the target through `Network.targetValues`; for a profile head, of Σ g_j ℓ_j with the
    /// weights g = w − 1/M held at the unperturbed window (the softmax weights are constants of the explanation).
    func numericGradient(_ model: Network, _ x: Tensor, item: Int, target: Target, positions: [Int]) -> [Float] {
        let length = model.inputLength, row = 4 * length
        let window = Array(x.values[(item * row)..<((item + 1) * row)])
        let h: Float = 2e-3
        var batch: [Float] = []
        for p in positions {
            for sign in [Float(1), -1] {
                var copy = window
                copy[p] += sign * h
                batch += copy
            }
        }
        let perturbed = Tensor(shape: [positions.count * 2, 4, length], values: batch)
        var values: [Float]
        if case .profile = target {
            let reference = model.profiles(Tensor(shape: [1, 4, length], values: window), compute: Compute())[0].values
            let g = reference.withUnsafeBufferPointer { ProfileScalar.gradient($0) }
            let profiles = model.profiles(perturbed, compute: Compute())[0]
            values = (0..<(positions.count * 2)).map { k in
                (0..<g.count).reduce(Float(0)) { $0 + g[$1] * profiles.values[k * g.count + $1] }
            }
        } else {
            values = model.targetValues(perturbed, targets: Array(repeating: target, count: positions.count * 2), compute: Compute())
        }
        return positions.indices.map { (values[2 * $0] - values[2 * $0 + 1]) / (2 * h) }
    }

    func testGradientThroughGraphsMatchesFiniteDifferences() throws {
        for (model, targets) in [(bpnet, [Target.scalar(0), .profile(head: 0)]), (branches, [.scalar(0), .scalar(1)])] {
            let x = GraphModels.oneHot(count: 2, length: model.inputLength)
            for target in targets {
                let gradient = InputGradient.compute(model, input: x, targets: [target, target], compute: Compute())
                let positions = stride(from: 3, to: 4 * model.inputLength, by: 37).map { $0 }
                let numeric = numericGradient(model, x, item: 1, target: target, positions: positions)
                XCTAssertEqual(numeric.count, positions.count)
                let scale = max(numeric.map(abs).max()!, 1e-3)
                for (p, expected) in zip(positions, numeric) {
                    XCTAssertEqual(gradient.values[4 * model.inputLength + p], expected, accuracy: 2e-2 * scale, "\(target) at \(p)")
                }
            }
        }
    }

    /// zennit's Sum under Norm: each summand gets R ⊙ x_i / (Σ x) at the add's inputs.
    func testAddSplitsRelevanceInProportionToItsInputs() throws {
        let lrp = try LRP(model: bpnet, composite: Composite(.epsilonPlus))
        let x = GraphModels.oneHot(count: 2, length: bpnet.inputLength)
        let relevance = lrp.layerRelevances(x, targets: [0, 0])
        let activations = bpnet.activations(x, compute: Compute())
        let add = bpnet.nodes.firstIndex { $0.layer.spec.name == "add2" }!
        let (left, right) = (bpnet.nodes[add].inputs[0], bpnet.nodes[add].inputs[1])
        XCTAssertEqual(relevance.count, bpnet.shapes.count)
        let r = relevance[add + 1].values, a = activations[left].values, b = activations[right].values
        XCTAssertGreaterThan(r.map(abs).max()!, 0)
        var received = relevance[right].values
        // The residual branch's slot only receives from the add.
        for j in r.indices {
            let expected = r[j] * b[j] / stabilized(a[j] + b[j], 1e-6)
            XCTAssertEqual(received[j], expected, accuracy: 1e-5 * max(abs(r[j]), 1e-3))
        }
        received.removeAll()
    }

    func testBatchNormsFoldAnywhereInTheGraph() throws {
        let lrp = try LRP(model: branches)
        XCTAssertEqual(Set(lrp.mergedBatchNorms), ["a_bn", "r_bn"])
        XCTAssertEqual(lrp.keptBatchNorms, [])
        XCTAssertFalse(lrp.model.layers.contains { $0 is BatchNorm1d })
        let x = GraphModels.oneHot(count: 6, length: branches.inputLength)
        let before = branches.logits(x, compute: Compute()).values, after = lrp.model.logits(x, compute: Compute()).values
        XCTAssertEqual(before.count, after.count)
        for (u, v) in zip(before, after) { XCTAssertEqual(u, v, accuracy: 1e-5 * max(1, abs(u))) }
        // Unmerged, batch norms pass relevance through and the model keeps them.
        let unmerged = try LRP(model: branches, mergeBatchNorm: false)
        XCTAssertEqual(Set(unmerged.keptBatchNorms), ["a_bn", "r_bn"])
        XCTAssertEqual(unmerged.explain(x, target: 1, compute: Compute()).relevance.shape, x.shape)
    }

    func testPLRPOnBPNet() throws {
        let x = GraphModels.oneHot(count: 12, length: bpnet.inputLength)
        let lrp = try LRP(model: bpnet)
        let plain = lrp.explain(x, target: 0, compute: Compute())
        let zero = try LRP(model: bpnet, pruning: PruningPlan(global: 0)).explain(x, target: 0, compute: Compute())
        XCTAssertEqual(plain.relevance.values, zero.relevance.values, "p = 0 is LRP")
        var ginis: [Double] = []
        for p in [Float(0), 0.3, 0.6, 0.9] {
            let explanation = try LRP(model: bpnet, pruning: PruningPlan(global: p)).explain(x, target: 0, compute: Compute())
            XCTAssertLessThan(explanation.worstLayerMassChange, 1e-4, "PLRP-λ keeps each layer's signed mass (p = \(p))")
            let rows = BaseSums.rows(explanation.relevance.values, length: bpnet.inputLength)
            XCTAssertEqual(rows.count, 12)
            ginis.append(rows.map { ExplanationMetrics.gini($0) }.reduce(0, +) / Double(rows.count))
        }
        XCTAssertEqual(ginis.count, 4)
        for k in 1..<ginis.count { XCTAssertGreaterThan(ginis[k], ginis[k - 1], "Gini rises with p: \(ginis)") }
        let m = try LRP(model: bpnet, pruning: PruningPlan(global: 0.5, variant: .m)).explain(x, target: 0, compute: Compute())
        XCTAssertEqual(m.relevance.shape, x.shape)
        XCTAssertTrue(m.relevance.values.allSatisfy(\.isFinite))
    }

    func testProfileTargetStartsFromWeightedCentredLogits() throws {
        let x = GraphModels.oneHot(count: 4, length: bpnet.inputLength)
        let profiles = bpnet.profiles(x, compute: Compute())[0]
        let size = profiles.rowLength
        let explanation = try LRP(model: bpnet).explain(x, targets: Array(repeating: Target.profile(head: 0), count: 4), compute: Compute())
        for i in 0..<4 {
            let logits = Array(profiles.values[(i * size)..<((i + 1) * size)]).map(Double.init)
            let mean = logits.reduce(0, +) / Double(size), top = logits.max()!
            let exps = logits.map { exp($0 - top) }, total = exps.reduce(0, +)
            let y = zip(exps, logits).map { $0 / total * ($1 - mean) }.reduce(0, +)
            XCTAssertEqual(Double(explanation.logits[i]), y, accuracy: 1e-5)
            XCTAssertEqual(explanation.outputRelevance[i], explanation.logits[i])
        }
        XCTAssertEqual(explanation.unexplainedDeviations(), [], "relevance is conserved up to what biases absorb")
        let unit = try LRP(model: bpnet, outputRelevance: .one)
            .explain(x, targets: Array(repeating: Target.profile(head: 0), count: 4), compute: Compute())
        let row = x.rowLength
        for i in 0..<4 {
            for j in (i * row)..<((i + 1) * row) {
                XCTAssertEqual(unit.relevance.values[j], explanation.relevance.values[j] / explanation.logits[i],
                               accuracy: 1e-5 * max(1, abs(unit.relevance.values[j])))
            }
        }
    }

    func testGraphExplanationsDoNotDependOnThreads() throws {
        let x = GraphModels.oneHot(count: 40, length: branches.inputLength)
        let lrp = try LRP(model: branches, pruning: PruningPlan(global: 0.5))
        XCTAssertEqual(lrp.explain(x, target: 1, compute: Compute(threads: 1)).relevance.values,
                       lrp.explain(x, target: 1, compute: Compute(threads: 2)).relevance.values)
    }
}
