import Foundation
import TestSupport
import XCTest

/// Refusing a folder of other files, and messages that name wrong paths and files with the reason.
final class OutputErrorTests: XCTestCase {
    let model = Repo.path("data/models/default.safetensors")
    let region = "chr2R:1,000,001-1,003,000"

    private func explain(_ extra: [String], into out: String) throws -> ProcessResult {
        try plrp(["explain", "--model", model, "--fasta", Repo.genome, "--region", region, "-o", out, "--quiet"] + extra)
    }

    func testExplainRefusesAFolderOfOtherFilesUnlessForced() throws {
        let folder = TemporaryFolder()
        let out = folder.file("mine")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "keep me\n".write(toFile: out + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try explain([], into: out)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("plrp: error: output folder '\(out)' holds 1 file(s) and no plrp manifest.json")
                      && refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["notes.txt"])
        let forced = try explain(["--force"], into: out)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/attr.npz"))
        XCTAssertEqual(try String(contentsOfFile: out + "/notes.txt", encoding: .utf8), "keep me\n")
        // A folder plrp wrote is written again without --force.
        let again = try explain(["--prune", "0"], into: out)
        XCTAssertEqual(again.status, 0, again.stderr)
    }

    func testWrongPathsAndFilesAreNamedWithTheReason() throws {
        let folder = TemporaryFolder()
        let contig = try plrp("query", "chrX:1-100")
        XCTAssertEqual(contig.status, 1)
        XCTAssertTrue(contig.stderr.contains("unknown contig 'chrX' (the index has chr2R)"), contig.stderr)
        let notModel = try plrp("explain", "--model", Repo.genome, "--fasta", Repo.genome, "--region", region, "-o", folder.file("x"))
        XCTAssertEqual(notModel.status, 1)
        XCTAssertTrue(notModel.stderr.contains("not a plrp model (a .safetensors file"), notModel.stderr)
        let folderPath = try explain([], into: "/proc/plrp-test/out")
        XCTAssertEqual(folderPath.status, 1)
        XCTAssertEqual(folderPath.stderr, "plrp: error: cannot create output folder '/proc/plrp-test/out' ('/proc/plrp-test'): No such file or directory\n")
        let filePath = try plrp("predict", "--model", model, "--fasta", Repo.genome, "--region", region, "-o", "/proc/plrp-test.tsv")
        XCTAssertEqual(filePath.status, 1)
        XCTAssertEqual(filePath.stderr, "plrp: error: cannot create '/proc/plrp-test.tsv': No such file or directory\n")
    }
}
