import Model
import TestSupport
import Tracks
import XCTest

/// Our logits against PyTorch's on the fixture models of scripts/make_model_fixtures.py.
final class PyTorchParityTests: XCTestCase {
    static let names = ["a_bn_pools", "b_stride_globalmax", "c_exp_globalavg", "d_dilated_densebn"]

    func fixture(_ name: String) throws -> (Network, Tensor, Tensor) {
        let base = Repo.fixture("models/\(name)")
        let model = try ModelFile.load(path: base + ".safetensors")
        let x = try NPZReader.read(path: base + ".io.npz", member: "x")
        let logits = try NPZReader.read(path: base + ".io.npz", member: "logits")
        return (model, Tensor(shape: x.shape, values: x.values), Tensor(shape: logits.shape, values: logits.values))
    }

    /// |ours − torch| ≤ 1e-5 · max(|torch|, 1e-2): relative, with a floor for logits near zero.
    func assertClose(_ ours: [Float], _ theirs: [Float], tolerance: Float = 1e-5, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, message, file: file, line: line)
        var worst: Float = 0
        for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b) / max(abs(b), 1e-2)) }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(message): worst relative deviation \(worst)", file: file, line: line)
    }

    func testLogitsMatchPyTorch() throws {
        for name in Self.names {
            let (model, x, expected) = try fixture(name)
            let ours = model.logits(x, compute: Compute(threads: 1))
            XCTAssertEqual(ours.shape, expected.shape, name)
            assertClose(ours.values, expected.values, name)
        }
    }

    func testThreadsDoNotChangeResults() throws {
        for name in Self.names {
            let (model, x, _) = try fixture(name)
            XCTAssertEqual(model.logits(x, compute: Compute(threads: 1)).values,
                           model.logits(x, compute: Compute(threads: 3)).values, name)
        }
    }

    func testEveryChainLayerTypeIsCovered() throws {
        var kinds = Set<LayerKind>()
        for name in Self.names { try fixture(name).0.layers.forEach { kinds.insert($0.spec.kind) } }
        XCTAssertEqual(kinds, Set(LayerKind.allCases.filter(\.isVersion1Layer)))
    }

    func testSaveAndReloadIsIdentical() throws {
        let folder = TemporaryFolder()
        for name in Self.names {
            let (model, x, _) = try fixture(name)
            let path = folder.file("\(name).safetensors")
            try ModelFile.encode(model).write(to: URL(fileURLWithPath: path))
            let again = try ModelFile.load(path: path)
            XCTAssertEqual(again.architecture, model.architecture)
            XCTAssertEqual(again.logits(x, compute: Compute()).values, model.logits(x, compute: Compute()).values)
            XCTAssertEqual(ModelFile.encode(again), ModelFile.encode(model), "writing is deterministic")
        }
    }

    func testProbabilities() throws {
        let (model, x, _) = try fixture("b_stride_globalmax")
        let p = model.probabilities(fromLogits: model.logits(x, compute: Compute()))
        for row in 0..<x.shape[0] { XCTAssertEqual(p.values[row * 2] + p.values[row * 2 + 1], 1, accuracy: 1e-6) }
    }
}
