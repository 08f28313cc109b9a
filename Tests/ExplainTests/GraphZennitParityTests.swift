import Explain
import Model
import TestSupport
import Tracks
import XCTest

/// LRP and gradient × input on graph models imported from ONNX (both PyTorch exporters) against zennit and autograd
/// on the same weights (scripts/make_graph_fixtures.py): BPNet's counts and profile heads, a residual GELU tower, a
/// two-branch concat model. Tolerance: every entry within 1e-5 of the largest |entry| of the window's reference map.
final class GraphZennitParityTests: XCTestCase {
    static let families = ["bpnet", "residual_gelu", "two_branch"]

    /// The fixture's targets: our target, the fixture's key for a composite, its gradient × input key, and the
    /// output relevance it used (one at a scalar; the weighted, centred logits, summing to y, at the profile).
    func targets(_ family: String, _ model: Network)
        -> [(target: Target, key: (String) -> String, gradient: String, relevance: OutputRelevance)] {
        if family == "bpnet" {
            let counts = model.outputs.firstIndex(of: "counts")!
            let profile = model.heads.firstIndex { $0.name == "profile" }!
            return [(.scalar(counts), { "counts_\($0)" }, "gradient_x_input_counts", .one),
                    (.profile(head: profile), { "profile_\($0)" }, "gradient_x_input_profile", .logit)]
        }
        return model.outputs.indices.map { k in (Target.scalar(k), { "\($0)_t\(k)" }, "gradient_x_input_t\(k)", OutputRelevance.one) }
    }

    func assertClose(_ ours: Tensor, _ theirs: NPZReader.Array32, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.shape, theirs.shape, label, file: file, line: line)
        guard ours.shape == theirs.shape else { return }
        let row = ours.rowLength
        for i in 0..<ours.shape[0] {
            let reference = theirs.values[(i * row)..<((i + 1) * row)]
            let scale = max(reference.map(abs).max()!, 1e-12)
            let worst = zip(ours.values[(i * row)..<((i + 1) * row)], reference).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "\(label) window \(i): worst \(worst), largest \(scale)", file: file, line: line)
        }
    }

    func testLRPAndGradientsMatchZennitAndAutograd() throws {
        var compared = 0
        for family in Self.families {
            let lrp = Repo.fixture("graphs/\(family).lrp.npz")
            let x = try NPZReader.read(path: lrp, member: "x")
            let input = Tensor(shape: x.shape, values: x.values)
            for exporter in ["ts", "dynamo"] {
                let model = try ONNXImporter().importModel(path: Repo.fixture("graphs/\(family).\(exporter).onnx"))
                for (target, key, gradientKey, relevance) in targets(family, model) {
                    let targets = Array(repeating: target, count: x.shape[0])
                    for composite in [Composite.Name.epsilonPlus, .epsilonGammaBox] {
                        let ours = try LRP(model: model, composite: Composite(composite), outputRelevance: relevance)
                            .explain(input, targets: targets, compute: Compute(threads: 2))
                        assertClose(ours.relevance, try NPZReader.read(path: lrp, member: key(composite.rawValue)),
                                    "\(family).\(exporter) \(key(composite.rawValue))")
                        compared += 1
                    }
                    assertClose(InputGradient.timesInput(model, input: input, targets: targets, compute: Compute()),
                                try NPZReader.read(path: lrp, member: gradientKey), "\(family).\(exporter) \(gradientKey)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 2 * 3 * (2 + 3 + 2), "every family, exporter, target and method compared")
    }

    func testProfileScalarMatchesTheFixture() throws {
        let lrp = Repo.fixture("graphs/bpnet.lrp.npz")
        let x = try NPZReader.read(path: lrp, member: "x"), y = try NPZReader.read(path: lrp, member: "profile_y")
        let model = try ONNXImporter().importModel(path: Repo.fixture("graphs/bpnet.dynamo.onnx"))
        let profile = model.heads.firstIndex { $0.name == "profile" }!
        let ours = model.targetValues(Tensor(shape: x.shape, values: x.values),
                                      targets: Array(repeating: .profile(head: profile), count: x.shape[0]), compute: Compute())
        XCTAssertEqual(ours.count, y.values.count)
        for (a, b) in zip(ours, y.values) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b))) }
    }
}
