import Foundation
@testable import Model
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

    /// Writes `x` [N, 4, 16] → Conv → LSTM (which plrp has no node type for) as an ONNX file.
    func writeLSTMModel(_ path: String) throws {
        func tensorInfo(_ name: String) -> Onnx_ValueInfoProto {
            var info = Onnx_ValueInfoProto()
            info.name = name
            var shape = Onnx_TensorShapeProto()
            for value in [Int64(1), 4, 16] {
                var dim = Onnx_TensorShapeProto.Dimension()
                dim.dimValue = value
                shape.dim.append(dim)
            }
            info.type.tensorType.elemType = 1
            info.type.tensorType.shape = shape
            return info
        }
        var weight = Onnx_TensorProto()
        weight.name = "w"
        weight.dataType = 1
        weight.dims = [2, 4, 3]
        weight.floatData = [Float](repeating: 0.5, count: 24)
        var conv = Onnx_NodeProto(), lstm = Onnx_NodeProto()
        (conv.name, conv.opType, conv.input, conv.output) = ("/m/conv/Conv", "Conv", ["x", "w"], ["c"])
        (lstm.name, lstm.opType, lstm.input, lstm.output) = ("/m/lstm/LSTM", "LSTM", ["c", "w", "w"], ["y"])
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.graph.input = [tensorInfo("x")]
        model.graph.initializer = [weight]
        model.graph.node = [conv, lstm]
        var output = Onnx_ValueInfoProto()
        output.name = "y"
        model.graph.output = [output]
        try model.serializedData().write(to: URL(fileURLWithPath: path))
    }

    /// An error exits 1 with one line on stderr, and writes nothing.
    func assertFailsCleanly(_ run: ProcessResult, out: String, mentioning text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.hasPrefix("plrp: error: "), run.stderr, file: file, line: line)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.contains(text), run.stderr, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), file: file, line: line)
    }

    func testUnsupportedNodeIsNamed() throws {
        // (LeakyRelu, which unsupported_op.onnx uses, now imports as a leaky_relu node.)
        let folder = TemporaryFolder()
        let onnx = folder.file("lstm.onnx"), out = folder.file("x.safetensors")
        try writeLSTMModel(onnx)
        let run = try plrp("model", "import", onnx, "-o", out)
        assertFailsCleanly(run, out: out, mentioning: "node '/m/lstm/LSTM' (LSTM) is not supported")
    }

    func testGraphImportWritesAVersion2Model() throws {
        let folder = TemporaryFolder()
        let out = folder.file("tmp/bpnet.safetensors")
        try FileManager.default.createDirectory(atPath: folder.file("tmp"), withIntermediateDirectories: true)
        let run = try plrp("model", "import", Repo.fixture("graphs/bpnet.dynamo.onnx"), "-o", out)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdoutText.contains("input: [4, 200]"), run.stdoutText)
        XCTAssertTrue(run.stdoutText.contains("head profile: "), run.stdoutText)
        XCTAssertTrue(run.stdoutText.contains("head counts: model.linear [1] scalar logits counts"), run.stdoutText)
        XCTAssertEqual(try SafeTensors(path: out).metadata["format_version"], "2")
        let model = try ModelFile.load(path: out)
        let x = try NPZReader.read(path: Repo.fixture("graphs/bpnet.io.npz"), member: "x")
        let counts = try NPZReader.read(path: Repo.fixture("graphs/bpnet.io.npz"), member: "counts")
        let ours = model.logits(Tensor(shape: x.shape, values: x.values), compute: Compute()).values
        let scale = counts.values.map(abs).max()!
        XCTAssertLessThanOrEqual(zip(ours, counts.values).map { abs($0 - $1) }.max()!, 1e-5 * scale)
    }

    func testBadExternalDataFailsCleanly() throws {
        let folder = TemporaryFolder()
        let onnx = folder.file("bpnet.dynamo.onnx"), out = folder.file("bpnet.safetensors")
        try FileManager.default.copyItem(atPath: Repo.fixture("graphs/bpnet.dynamo.onnx"), toPath: onnx)
        let run = try plrp("model", "import", onnx, "-o", out)
        assertFailsCleanly(run, out: out, mentioning: "initializer 'model.iconv.weight': external data 'bpnet.dynamo.onnx.data': no such file")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Repo.fixture("graphs/bpnet.dynamo.onnx.data")))
        try bytes.prefix(bytes.count - 4).write(to: URL(fileURLWithPath: onnx + ".data"))
        let truncated = try plrp("model", "import", onnx, "-o", out)
        assertFailsCleanly(truncated, out: out, mentioning: "external data 'bpnet.dynamo.onnx.data' has 10008 bytes, fewer than offset")
    }

    func testNotONNX() throws {
        let folder = TemporaryFolder()
        let run = try plrp("model", "import", Repo.path("README.md"), "-o", folder.file("x.safetensors"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("not an ONNX model"), run.stderr)
    }
}
