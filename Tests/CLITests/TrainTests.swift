import Foundation
import Model
import TestSupport
import XCTest

/// `plrp train` end to end on a simulated task where one k-mer decides the label.
final class TrainTests: XCTestCase {
    /// Random sequences; every odd one carries TGACTCA at a random position.
    func simulate(_ n: Int, length: Int, prefix: String, seed: UInt64, in folder: TemporaryFolder) throws -> [Bool] {
        var rng = SeededGenerator(seed: seed)
        var fasta = "", labels = "name\tkmer\n", truth: [Bool] = []
        for i in 0..<n {
            var s = (0..<length).map { _ in Array("ACGT")[Int(rng.next() % 4)] }
            let positive = i % 2 == 1
            if positive {
                let p = Int(rng.next() % UInt64(length - 7))
                s.replaceSubrange(p..<(p + 7), with: Array("TGACTCA"))
            }
            fasta += ">\(prefix)\(i)\n\(String(s))\n"
            labels += "\(prefix)\(i)\t\(positive ? 1 : 0)\n"
            truth.append(positive)
        }
        try fasta.write(toFile: folder.file("\(prefix).fa"), atomically: true, encoding: .utf8)
        try labels.write(toFile: folder.file("\(prefix).tsv"), atomically: true, encoding: .utf8)
        return truth
    }

    func testLearnsAKmerToHighTestAUROC() throws {
        let folder = TemporaryFolder()
        _ = try simulate(1200, length: 60, prefix: "train", seed: 11, in: folder)
        let truth = try simulate(400, length: 60, prefix: "test", seed: 12, in: folder)
        let model = folder.file("kmer.safetensors")
        let run = try plrp("train", "--sequences", folder.file("train.fa"), "--labels", folder.file("train.tsv"), "--seed", "3",
                           "--epochs", "10", "--threads", "2", "-o", model, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("kmer.training.json")))) as! [String: Any]
        let epochs = history["epochs"] as! [[String: Any]]
        XCTAssertFalse(epochs.isEmpty)
        XCTAssertNotNil(epochs[0]["validation_auroc"] as? Double)
        let predict = try plrp("predict", "--model", model, "--sequences", folder.file("test.fa"))
        XCTAssertEqual(predict.status, 0, predict.stderr)
        let scores = predict.stdoutText.split(separator: "\n").dropFirst().map { Float($0.split(separator: "\t")[1])! }
        let auroc = try XCTUnwrap(BinaryMetrics.auroc(scores: scores, labels: truth))
        XCTAssertGreaterThanOrEqual(auroc, 0.95)
    }

    func testSameSeedSameModelForAnyThreads() throws {
        let folder = TemporaryFolder()
        _ = try simulate(160, length: 40, prefix: "d", seed: 5, in: folder)
        for threads in ["1", "2"] {
            let run = try plrp("train", "--sequences", folder.file("d.fa"), "--labels", folder.file("d.tsv"), "--seed", "9",
                               "--epochs", "2", "--threads", threads, "-o", folder.file("m\(threads).safetensors"), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        XCTAssertEqual(try fileBytes(folder.file("m1.safetensors")), try fileBytes(folder.file("m2.safetensors")))
    }

    func testGenomePositivesWithSampledNegatives() throws {
        let folder = TemporaryFolder()
        var bed = ""
        for i in 0..<30 { bed += "chr2R\t\(5_000_000 + i * 10_000)\t\(5_000_000 + i * 10_000 + 300)\tp\(i)\n" }
        try bed.write(toFile: folder.file("pos.bed"), atomically: true, encoding: .utf8)
        let run = try plrp("train", "--fasta", Repo.genome, "--positives", folder.file("pos.bed"), "--window", "64",
                           "--epochs", "1", "--seed", "2", "-o", folder.file("g.safetensors"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("training on 54 examples, validating on 6"), run.stderr)
        let inspect = try plrp("model", "inspect", folder.file("g.safetensors"))
        XCTAssertTrue(inspect.stdoutText.contains("input: [4, 64]"), inspect.stdoutText)
        XCTAssertTrue(inspect.stdoutText.contains("outputs: positive"), inspect.stdoutText)
    }

    func testUnlabelledSequenceIsNamed() throws {
        let folder = TemporaryFolder()
        try ">a\nACGTACGT\n>b\nACGTACGA\n".write(toFile: folder.file("s.fa"), atomically: true, encoding: .utf8)
        try "a\t1\n".write(toFile: folder.file("l.tsv"), atomically: true, encoding: .utf8)
        let run = try plrp("train", "--sequences", folder.file("s.fa"), "--labels", folder.file("l.tsv"), "-o", folder.file("m.safetensors"))
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "plrp: error: \(folder.file("s.fa")):3: sequence 'b' has no row in '\(folder.file("l.tsv"))'\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("m.safetensors")))
    }
}
