import Encoding
import Foundation
import TestSupport
import Tracks
import XCTest

/// `plrp encode --bam`: one window per read, named by the read, with its aligned span.
final class EncodeReadsTests: XCTestCase {
    func testReadsBecomeCentredWindows() throws {
        let folder = TemporaryFolder()
        let run = try plrp("encode", "--bam", Repo.reads, "--region", "chr2R", "--min-mapq", "0", "--window", "50",
                           "-o", folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let sam = try runProcess("samtools", ["view", "-F", "0xF04", Repo.reads, "chr2R"])
        let records = sam.stdoutText.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let rows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.count, records.count)
        XCTAssertEqual(rows.count, 600)
        let array = try NPZReader.read(path: folder.file("ohe.npz"))
        XCTAssertEqual(array.shape, [600, 4, 50])
        let batch = OneHotBatch(count: 600, length: 50, values: array.values)
        for (i, (row, record)) in zip(rows, records).enumerated() {
            XCTAssertEqual(row[0], "chr2R")
            XCTAssertEqual(Int(row[1]), Int(record[3])! - 1)
            XCTAssertEqual(row[3], record[0])
            XCTAssertEqual(row[5], Int(record[1])! & 16 != 0 ? "-" : "+")
            let sequence = record[9]
            let left = (50 - sequence.count) / 2
            let expected = String(repeating: "N", count: left) + sequence
                + String(repeating: "N", count: 50 - sequence.count - left)
            XCTAssertEqual(batch.decode(window: i), expected, record[0])
        }
        // Aligned span: the end is where samtools places the last aligned base.
        let spliced = try XCTUnwrap(zip(rows, records).first { $0.1[5].contains("N") })
        let spans = spliced.1[5].split(whereSeparator: { !$0.isNumber }).map { Int($0)! }
        XCTAssertEqual(Int(spliced.0[2])! - Int(spliced.0[1])!, spans.reduce(0, +))
    }

    func testDefaultMappingQualityFilter() throws {
        let folder = TemporaryFolder()
        let run = try plrp("encode", "--bam", Repo.reads, "--window", "50", "-o", folder.path, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let count = try runProcess("samtools", ["view", "-c", "-q", "10", "-F", "0xF04", Repo.reads])
        let rows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual("\(rows.count)\n", count.stdoutText)
    }

    func testCRAMNeedsItsReference() throws {
        let folder = TemporaryFolder()
        let cram = Repo.fixture("cigar_flags.cram")
        let ok = try plrp("encode", "--bam", cram, "--reference", Repo.genome, "--window", "40", "-o", folder.file("a"))
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let rows = try String(contentsOfFile: folder.file("a/windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 10)
        let missing = try plrp("encode", "--bam", cram, "--window", "40", "-o", folder.file("b"))
        XCTAssertEqual(missing.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("b")))
    }
}
