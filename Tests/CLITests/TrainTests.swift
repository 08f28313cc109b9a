import Foundation
import Model
import TestSupport
import XCTest

/// `plrp train` end to end: options, files and messages (fitting itself: TrainAndPredictJobTests).
final class TrainTests: XCTestCase {
    func testSameSeedSameModelForAnyThreads() throws {
        let folder = TemporaryFolder()
        _ = try writeKmerTask(160, length: 40, prefix: "d", seed: 5, in: folder)
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
