import Foundation
import Model
import TestSupport
import XCTest

/// `plrp train` end to end: options, files and messages (fitting itself: TrainAndPredictJobTests).
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
