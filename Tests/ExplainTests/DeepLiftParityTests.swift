import Explain
import Model
import TestSupport
import Tracks
import XCTest

/// DeepLIFT/SHAP against tangermeme (and bpnet-lite's wrappers) on the same references
/// (scripts/make_deeplift_fixtures.py, float64 on their side): projected and hypothetical attributions within 1e-4 of
/// the window's largest |value|.
final class DeepLiftParityTests: XCTestCase {
    func compare(_ model: Network, fixture: String, prefix: String = "", target: Target,
                 file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        let path = Repo.fixture("deeplift/\(fixture).npz")
        let x = try NPZReader.read(path: path, member: "x"), refs = try NPZReader.read(path: path, member: "references")
        let input = Tensor(shape: x.shape, values: x.values)
        let result = DeepLiftShap(model: model).explain(input, references: Tensor(shape: refs.shape, values: refs.values),
                                                       targets: Array(repeating: target, count: x.shape[0]), compute: Compute(threads: 2))
        var worst: Float = 0
        for (key, ours) in [("attributions", result.projected), ("hypothetical", result.hypothetical)] {
            let theirs = try NPZReader.read(path: path, member: prefix + key)
            XCTAssertEqual(theirs.shape, ours.shape, file: file, line: line)
            guard theirs.shape == ours.shape else { continue }
            let row = ours.rowLength
            for i in 0..<x.shape[0] {
                let reference = theirs.values[(i * row)..<((i + 1) * row)]
                let scale = max(reference.map(abs).max()!, 1e-12)
                let error = zip(ours.values[(i * row)..<((i + 1) * row)], reference).map { abs($0 - $1) }.max()! / scale
                worst = max(worst, error)
                XCTAssertLessThanOrEqual(error, 1e-4, "\(fixture) \(prefix)\(key) window \(i)", file: file, line: line)
            }
        }
        return worst
    }

    func testDefaultModelMatchesTangermeme() throws {
        let model = try ModelFile.load(path: Repo.path("data/models/default.safetensors"))
        _ = try compare(model, fixture: "default", target: .scalar(0))
    }

    func testChainsWithEveryNonLinearity() throws {
        for name in ["a_bn_pools", "b_stride_globalmax", "c_elu_globalavg", "d_dilated_densebn"] {
            let model = try ModelFile.load(path: Repo.fixture("lrp/\(name).safetensors"))
            let target = try NPZReader.read(path: Repo.fixture("deeplift/\(name).npz"), member: "target").values[0]
            _ = try compare(model, fixture: name, target: .scalar(Int(target)))
        }
    }

    func testGraphsAndBPNetHeadsMatch() throws {
        for name in ["residual_gelu", "two_branch"] {
            let model = try ONNXImporter().importModel(path: Repo.fixture("graphs/\(name).dynamo.onnx"))
            _ = try compare(model, fixture: name, target: .scalar(1))
        }
        let bpnet = try ONNXImporter().importModel(path: Repo.fixture("graphs/bpnet.dynamo.onnx"))
        _ = try compare(bpnet, fixture: "bpnet", prefix: "counts_", target: .scalar(bpnet.outputs.firstIndex(of: "counts")!))
        _ = try compare(bpnet, fixture: "bpnet", prefix: "profile_", target: .profile(head: bpnet.heads.firstIndex { $0.name == "profile" }!))
    }
}
