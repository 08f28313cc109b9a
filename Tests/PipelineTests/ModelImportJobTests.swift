import Foundation
import Pipeline
import TestSupport
import XCTest

/// `ModelImport` and `EncodeJob` in process.
final class ModelImportJobTests: XCTestCase {
    func testBothPyTorchExportersImportToPyTorchLogits() throws {
        let folder = TemporaryFolder()
        XCTAssertFalse(PyTorchParityNames.all.isEmpty)
        for name in PyTorchParityNames.all {
            let x = try NPZReader.read(path: Repo.fixture("models/\(name).io.npz"), member: "x")
            let expected = try NPZReader.read(path: Repo.fixture("models/\(name).io.npz"), member: "logits")
            for exporter in ["ts", "dynamo"] {
                let out = folder.file("\(name).\(exporter).safetensors")
                let imported = try ModelImport(onnx: Repo.fixture("models/\(name).\(exporter).onnx")).run(out: out)
                // What was written is what was returned.
                let model = try Opening.model(out)
                XCTAssertEqual(model.parameterCount, imported.parameterCount)
                let ours = model.logits(Tensor(shape: x.shape, values: x.values), compute: Compute()).values
                XCTAssertEqual(ours.count, expected.values.count, name)
                let worst = zip(ours, expected.values).map { abs($0 - $1) / max(abs($1), 1e-2) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-5, "\(name) via \(exporter): worst relative deviation \(worst)")
            }
        }
    }

    func testEncodeWritesOneRowPerWindowOfTheBED() throws {
        let folder = TemporaryFolder()
        var input = InputDescription.genome(Repo.genome, regions: ["chr2R:1,000,001-1,001,000"])
        input.window = 100
        let report = try EncodeJob(input: input).run(out: folder.file("e"))
        XCTAssertEqual(report.windows, 10)
        let ohe = try NPZReader.read(path: folder.file("e/ohe.npz"))
        XCTAssertEqual(ohe.shape, [10, 4, 100])
        let rows = try WindowsBED.read(path: folder.file("e/windows.bed"))
        XCTAssertEqual(rows.map(\.start), Array(stride(from: 1_000_000, to: 1_001_000, by: 100)))
        // One base per column: every column of a genome window without N sums to 1.
        let sums = BaseSums.of(ohe.values[0..<400], length: 100)
        XCTAssertEqual(sums, [Float](repeating: 1, count: 100))
    }
}
