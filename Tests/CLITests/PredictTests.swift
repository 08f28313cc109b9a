import Encoding
import Foundation
import Model
import TestSupport
import Tracks
import XCTest

/// `plrp predict` end to end: PyTorch's logits through `--sequences`, and genome windows.
final class PredictTests: XCTestCase {
    func testSequencesMatchPyTorchLogits() throws {
        let folder = TemporaryFolder()
        for name in ["a_bn_pools", "b_stride_globalmax", "c_exp_globalavg", "d_dilated_densebn"] {
            let base = Repo.fixture("models/\(name)")
            let x = try NPZReader.read(path: base + ".io.npz", member: "x")
            let logits = try NPZReader.read(path: base + ".io.npz", member: "logits")
            let (n, length, outputs) = (x.shape[0], x.shape[2], logits.shape[1])
            let batch = OneHotBatch(count: n, length: length, values: x.values)
            // Sample 2 holds fractional columns, which FASTA cannot carry under the default policy.
            let rows = (0..<n).filter { $0 != 2 }
            let fasta = rows.map { ">s\($0) sample \($0)\n\(batch.decode(window: $0))\n" }.joined()
            try fasta.write(toFile: folder.file("\(name).fa"), atomically: true, encoding: .utf8)
            let result = try plrp("predict", "--model", base + ".safetensors", "--sequences", folder.file("\(name).fa"),
                                  "--batch-size", "5")
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdoutText.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
            XCTAssertEqual(lines[0][0], "window")
            XCTAssertEqual(lines.count, rows.count + 1)
            for (line, row) in zip(lines.dropFirst(), rows) {
                XCTAssertEqual(line[0], "s\(row)")
                for j in 0..<outputs {
                    let ours = Float(line[j + 1])!, theirs = logits.values[row * outputs + j]
                    XCTAssertLessThanOrEqual(abs(ours - theirs) / max(abs(theirs), 1e-2), 1e-5, "\(name) s\(row)[\(j)]")
                }
            }
        }
    }

    func testGenomeWindowsAndProbabilities() throws {
        let folder = TemporaryFolder()
        let model = Repo.fixture("models/b_stride_globalmax.safetensors")
        let out = folder.file("p.tsv")
        let run = try plrp("predict", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,000,500",
                           "--step", "25", "--probabilities", "-o", out, "--threads", "2")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines[0], "window\tneg\tpos")
        XCTAssertEqual(lines.count, 1 + 19)
        XCTAssertTrue(lines[1].hasPrefix("chr2R:1000000-1000050(+)\t"))
        for line in lines.dropFirst() {
            let p = line.split(separator: "\t").dropFirst().map { Double($0)! }
            XCTAssertEqual(p[0] + p[1], 1, accuracy: 1e-6)
        }
        let single = try plrp("predict", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,000,500",
                              "--step", "25", "--probabilities", "--threads", "1")
        XCTAssertEqual(single.stdoutText, try String(contentsOfFile: out, encoding: .utf8), "threads do not change output")
    }

    func testRecordOfWrongLengthIsNamed() throws {
        let folder = TemporaryFolder()
        let fasta = folder.file("s.fa")
        try ">ok\n\(String(repeating: "ACGT", count: 10))\n>short\nACGT\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        let out = folder.file("p.tsv")
        let run = try plrp("predict", "--model", Repo.fixture("models/a_bn_pools.safetensors"), "--sequences", fasta, "-o", out)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "plrp: error: \(fasta):3: record 'short' has 4 bases; every record must have the window length, 40\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["s.fa"])
    }

    func testWindowMustMatchModel() throws {
        let run = try plrp("predict", "--model", Repo.fixture("models/a_bn_pools.safetensors"), "--fasta", Repo.genome,
                           "--region", "chr2R:1-1000", "--window", "50")
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "plrp: error: --window 50 does not match the model's input length, 40\n")
    }

    func testEmptyAndHeaderOnlySequences() throws {
        let folder = TemporaryFolder()
        let model = Repo.fixture("models/a_bn_pools.safetensors")
        try "".write(toFile: folder.file("empty.fa"), atomically: true, encoding: .utf8)
        let empty = try plrp("predict", "--model", model, "--sequences", folder.file("empty.fa"))
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stderr.contains("holds no records"), empty.stderr)
        try ">a\n>b\nACGT\n".write(toFile: folder.file("h.fa"), atomically: true, encoding: .utf8)
        let header = try plrp("predict", "--model", model, "--sequences", folder.file("h.fa"))
        XCTAssertEqual(header.status, 1)
        XCTAssertTrue(header.stderr.contains("h.fa:1: record 'a' has no sequence"), header.stderr)
    }
}

/// Writing to a device must not replace it: outputs are staged and renamed only for regular files.
final class DeviceOutputTests: XCTestCase {
    func testDevNullStaysADevice() throws {
        let model = Repo.fixture("models/a_bn_pools.safetensors")
        let predict = try plrp("predict", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1-400", "-o", "/dev/null")
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let imported = try plrp("model", "import", Repo.fixture("models/a_bn_pools.ts.onnx"), "-o", "/dev/null")
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeCharacterSpecial)
    }
}
