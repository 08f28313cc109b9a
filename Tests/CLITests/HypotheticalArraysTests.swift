import Foundation
import TestSupport
import XCTest

/// `--arrays hypothetical`: ohe.npz and hypothetical.npz, what TF-MoDISco reads, without attr.npz.
final class HypotheticalArraysTests: XCTestCase {
    static let region = "chr2R:1,000,001-1,030,000"
    static let model = Repo.path("data/models/default.safetensors")

    private func explain(_ extra: [String], into out: String) throws -> ProcessResult {
        try plrp(["explain", "--fasta", Repo.genome, "--model", Self.model, "--region", Self.region, "--step", "150",
                  "--method", "gradient-x-input", "-o", out, "--quiet"] + extra)
    }

    func testTheSameArraysAndTracksWithoutAttrAndTheSameMotifs() throws {
        let folder = TemporaryFolder()
        var run = try explain(["--hypothetical"], into: folder.file("all"))
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try explain(["--arrays", "hypothetical"], into: folder.file("hyp"))
        XCTAssertEqual(run.status, 0, run.stderr)
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: folder.file("all/attr.npz")))
        XCTAssertFalse(fm.fileExists(atPath: folder.file("hyp/attr.npz")))
        for file in ["ohe.npz", "hypothetical.npz", "windows.bed", "relevance.bedGraph.gz", "relevance.bw"] {
            let all = try fileBytes(folder.file("all/\(file)"))
            XCTAssertGreaterThan(all.count, 100, file)
            XCTAssertEqual(try fileBytes(folder.file("hyp/\(file)")), all, file)
        }
        let manifest = try String(contentsOfFile: folder.file("hyp/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"arrays\" : \"hypothetical\""), manifest)
        XCTAssertTrue(manifest.contains("\"hypothetical\" : true"), manifest)
        // Gradient × input's relevance is hypothetical × one-hot to the bit, so the motifs are the same files.
        for name in ["all", "hyp"] {
            run = try plrp("motifs", "--input", folder.file(name), "--database", Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"),
                           "-o", folder.file("motifs-\(name)"), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        for file in ["seqlets.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html"] {
            let all = try fileBytes(folder.file("motifs-all/\(file)"))
            XCTAssertFalse(all.isEmpty, file)
            XCTAssertEqual(try fileBytes(folder.file("motifs-hyp/\(file)")), all, file)
        }
    }

    func testMethodsWithoutHypotheticalContributionsAndUnsortedRegionsAreRefused() throws {
        let folder = TemporaryFolder()
        var run = try plrp(["explain", "--fasta", Repo.genome, "--model", Self.model, "--region", Self.region,
                            "--method", "saliency", "--arrays", "hypothetical", "-o", folder.file("x")])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "plrp: error: --arrays hypothetical: saliency has no hypothetical contributions (lrp, deeplift-shap and gradient-x-input do)\n")
        let bed = folder.file("unsorted.bed")
        try "chr2R\t1000600\t1001000\nchr2R\t1000000\t1000400\n".write(toFile: bed, atomically: true, encoding: .utf8)
        run = try plrp(["explain", "--fasta", Repo.genome, "--model", Self.model, "--regions", bed, "--arrays", "hypothetical",
                        "-o", folder.file("x")])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("plrp: error: --arrays hypothetical needs the regions in genome order"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("x")))
    }
}
