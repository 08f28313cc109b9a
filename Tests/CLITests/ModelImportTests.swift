import Foundation
import Model
import TestSupport
import Tracks
import XCTest

/// `plrp model import`: ONNX exports of the PyTorch fixtures give PyTorch's logits.
final class ModelImportTests: XCTestCase {
    func logits(_ model: String, input fixture: String) throws -> ([Float], [Float]) {
        let x = try NPZReader.read(path: Repo.fixture("models/\(fixture).io.npz"), member: "x")
        let expected = try NPZReader.read(path: Repo.fixture("models/\(fixture).io.npz"), member: "logits")
        let loaded = try ModelFile.load(path: model)
        return (loaded.logits(Tensor(shape: x.shape, values: x.values), compute: Compute()).values, expected.values)
    }

    func assertClose(_ ours: [Float], _ theirs: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, message, file: file, line: line)
        let worst = zip(ours, theirs).map { abs($0 - $1) / max(abs($1), 1e-2) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-5, "\(message): worst relative deviation \(worst)", file: file, line: line)
    }

    func testBothPyTorchExportersImportToPyTorchLogits() throws {
        let folder = TemporaryFolder()
        for name in PyTorchParityNames.all {
            for exporter in ["ts", "dynamo"] {
                let out = folder.file("\(name).\(exporter).safetensors")
                let run = try plrp("model", "import", Repo.fixture("models/\(name).\(exporter).onnx"), "-o", out)
                XCTAssertEqual(run.status, 0, "\(name) \(exporter): \(run.stderr)")
                let (ours, theirs) = try logits(out, input: name)
                assertClose(ours, theirs, "\(name) via \(exporter) exporter")
            }
        }
    }

    func testChannelsLastKerasStyleGraph() throws {
        let folder = TemporaryFolder()
        let out = folder.file("e.safetensors")
        let run = try plrp("model", "import", Repo.fixture("models/e_channels_last.onnx"), "-o", out, "--outputs", "a,b")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdoutText.contains("outputs: a, b (logits; output activation sigmoid)"), run.stdoutText)
        XCTAssertTrue(run.stdoutText.contains("input: [4, 32]"), run.stdoutText)
        let (ours, theirs) = try logits(out, input: "e_channels_last")
        assertClose(ours, theirs, "channels-last graph")
    }

    func testUnsupportedNodeIsNamed() throws {
        let folder = TemporaryFolder()
        let out = folder.file("x.safetensors")
        let run = try plrp("model", "import", Repo.fixture("models/unsupported_op.onnx"), "-o", out)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("plrp: error: "), run.stderr)
        XCTAssertTrue(run.stderr.contains("node 'leaky' (LeakyRelu) is not supported"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testNotONNX() throws {
        let folder = TemporaryFolder()
        let run = try plrp("model", "import", Repo.path("README.md"), "-o", folder.file("x.safetensors"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("not an ONNX model"), run.stderr)
    }
}

enum PyTorchParityNames {
    static let all = ["a_bn_pools", "b_stride_globalmax", "c_exp_globalavg", "d_dilated_densebn"]
}
