import Foundation
import TestSupport
import XCTest

/// `plrp evaluate`'s bad input end to end (the metrics themselves: EvaluationJobTests).
final class EvaluateTests: XCTestCase {
    let model = Repo.fixture("models/d_dilated_densebn.safetensors")

    func testBadInput() throws {
        let folder = TemporaryFolder()
        let fasta = folder.file("s.fa"), bed = folder.file("gt.bed")
        try ">s1\n\(String(repeating: "ACGT", count: 15))\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        try "other\t3\t9\n".write(toFile: bed, atomically: true, encoding: .utf8)
        var run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "-o", folder.file("o"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("no sequence of"), run.stderr)
        run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "--prune-grid", "0,1.5", "-o", folder.file("o"))
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("--prune-grid"), run.stderr)
        try "s1\tx\t9\n".write(toFile: bed, atomically: true, encoding: .utf8)
        run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "-o", folder.file("o"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("\(bed):1:"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("o")))
    }
}
