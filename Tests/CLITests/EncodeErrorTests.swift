import Foundation
import TestSupport
import XCTest

/// Bad input: one `plrp: error:` line naming the culprit, exit 1 (data) or 2 (usage), and no output left behind.
final class EncodeErrorTests: XCTestCase {
    var folder: TemporaryFolder!

    override func setUp() { folder = TemporaryFolder() }

    /// Runs `plrp encode` with `arguments` and `-o <folder>/out`, then checks exit code, message and cleanup.
    func expectFailure(_ arguments: [String], code: Int32, mentions fragments: [String],
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let out = folder.file("out")
        let result = try plrp(["encode"] + arguments + ["-o", out])
        XCTAssertEqual(result.status, code, result.stderr, file: file, line: line)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 1, "one line on stderr: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("plrp: error: "), result.stderr, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(result.stderr.contains(fragment), "'\(fragment)' in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no output left behind", file: file, line: line)
        XCTAssertEqual(result.stdout.count, 0, file: file, line: line)
    }

    func genome(_ more: String...) -> [String] { ["--fasta", Repo.genome, "--window", "100"] + more }

    func testMissingFasta() throws {
        try expectFailure(["--fasta", "/nonexistent/genome.fa", "--window", "100"], code: 1,
                          mentions: ["/nonexistent/genome.fa", "no such file"])
    }

    func testMissingRegionsFile() throws {
        try expectFailure(genome("--regions", "/nonexistent/r.bed"), code: 1, mentions: ["/nonexistent/r.bed"])
    }

    func testUnknownContig() throws {
        try expectFailure(genome("--region", "chrX:1-100"), code: 1, mentions: ["chrX:1-100", "unknown contig 'chrX'"])
    }

    func testMalformedRegion() throws {
        try expectFailure(genome("--region", "chr2R:12x-100"), code: 2, mentions: ["malformed region 'chr2R:12x-100'"])
    }

    func testStartAfterEnd() throws {
        try expectFailure(genome("--region", "chr2R:2000-1000"), code: 2, mentions: ["chr2R:2000-1000", "after end"])
    }

    func testRegionBeyondContig() throws {
        try expectFailure(genome("--region", "chr2R:30000000-30000100"), code: 1,
                          mentions: ["chr2R:30000000-30000100", "beyond the end of chr2R"])
    }

    func testBadBEDLineNamesFileAndLine() throws {
        let bed = folder.file("bad.bed")
        try "track name=x\nchr2R\t100\t200\nchr2R\t300\n".write(toFile: bed, atomically: true, encoding: .utf8)
        try expectFailure(genome("--regions", bed), code: 1, mentions: ["\(bed):3:", "at least 3 columns"])
    }

    func testBEDLineOnUnknownContigNamesFileAndLine() throws {
        let bed = folder.file("bad.bed")
        try "chr2R\t100\t200\nchr9\t300\t400\n".write(toFile: bed, atomically: true, encoding: .utf8)
        try expectFailure(genome("--regions", bed), code: 1, mentions: ["\(bed):2:", "unknown contig 'chr9'"])
    }

    func testEmptyRegionsFile() throws {
        let bed = folder.file("empty.bed")
        try "# nothing\n".write(toFile: bed, atomically: true, encoding: .utf8)
        try expectFailure(genome("--regions", bed), code: 1, mentions: [bed, "no regions"])
    }

    func testWindowZero() throws {
        try expectFailure(["--fasta", Repo.genome, "--window", "0", "--region", "chr2R:1-100"], code: 2,
                          mentions: ["--window must be a positive number"])
    }

    func testStepZero() throws {
        try expectFailure(genome("--step", "0", "--region", "chr2R:1-100"), code: 2, mentions: ["--step"])
    }

    func testThreadsZero() throws {
        try expectFailure(genome("--threads", "0", "--region", "chr2R:1-100"), code: 2, mentions: ["--threads"])
    }

    func testNoInput() throws {
        try expectFailure(["--window", "100"], code: 2, mentions: ["--fasta, --bam or --sequences"])
    }

    func testUnknownOption() throws {
        try expectFailure(genome("--colour", "red"), code: 2, mentions: ["--colour"])
    }

    func testBAMWithoutIndex() throws {
        try expectFailure(["--bam", Repo.fixture("no_index.bam"), "--window", "50"], code: 1,
                          mentions: ["no_index.bam", "has no index"])
    }

    func testNotABAM() throws {
        try expectFailure(["--bam", Repo.path("README.md"), "--window", "50"], code: 1, mentions: ["README.md"])
    }

    func testTruncatedBGZF() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.genome))
        let cut = folder.file("cut.fa.gz")
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: cut))
        for index in [".fai", ".gzi"] {
            try FileManager.default.copyItem(atPath: Repo.genome + index, toPath: cut + index)
        }
        try expectFailure(["--fasta", cut, "--window", "100", "--region", "chr2R:1-1000"], code: 1,
                          mentions: ["cut.fa.gz", "truncated"])
    }

    func testInvalidCharacterMidwayLeavesNoOutput() throws {
        let fasta = folder.file("bad.fa")
        try ">a\n\(String(repeating: "ACGT", count: 500))\n>b\nACGTACGTAC1GTACGT\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        try expectFailure(["--fasta", fasta, "--window", "5"], code: 1,
                          mentions: ["invalid sequence character '1'", "b:10-15(+)"])
    }

    func testOutputPathIsAFile() throws {
        let file = folder.file("out")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try plrp("encode", "--fasta", Repo.genome, "--window", "100", "--region", "chr2R:1-100", "-o", file)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "plrp: error: output '\(file)' exists and is not a folder\n")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "x")
    }

    func testFailureKeepsAnExistingFolderUntouched() throws {
        let out = folder.file("existing")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "old".write(toFile: out + "/ohe.npz", atomically: true, encoding: .utf8)
        let fasta = folder.file("bad.fa")
        try ">a\nACGTNNNNXX\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        let result = try plrp("encode", "--fasta", fasta, "--window", "5", "-o", out)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["ohe.npz"])
        XCTAssertEqual(try String(contentsOfFile: out + "/ohe.npz", encoding: .utf8), "old")
    }

    func testHelpAndVersionSucceed() throws {
        let help = try plrp("encode", "--help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdoutText.contains("--window"))
        let version = try plrp("--version")
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdoutText.hasPrefix("0."))
    }
}
