import Foundation
import Model
import TestSupport
import Tracks
import XCTest

/// `--method deeplift-shap` through the command line: its files, and bad requests refused before anything is written.
final class DeepLiftCommandTests: XCTestCase {
    let folder = TemporaryFolder()
    let model = Repo.path("data/models/default.safetensors")
    let region = "chr2R:1,000,001-1,003,000"

    func testWritesHypotheticalContributionsAndReferences() throws {
        let out = folder.file("dl")
        let run = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", region, "--step", "300",
                           "--method", "deeplift-shap", "--shuffles", "3", "--hypothetical", "--write-references",
                           "--strand", "both", "--no-tracks", "--threads", "2", "-o", out, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let ohe = try NPZReader.read(path: out + "/ohe.npz"), attr = try NPZReader.read(path: out + "/attr.npz")
        let hypothetical = try NPZReader.read(path: out + "/hypothetical.npz")
        let references = try NPZReader.read(path: out + "/references.npz")
        XCTAssertEqual(ohe.shape, [10, 4, 300])
        XCTAssertEqual(hypothetical.shape, ohe.shape)
        XCTAssertEqual(references.shape, [10, 3, 4, 300])
        // The projected map is the hypothetical one at the observed bases (both strands averaged alike).
        XCTAssertEqual(attr.values.count, hypothetical.values.count)
        for i in 0..<attr.values.count {
            XCTAssertEqual(attr.values[i], hypothetical.values[i] * ohe.values[i], accuracy: 1e-6 * max(1, abs(attr.values[i])))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
        let convergence = try XCTUnwrap((manifest["results"] as? [String: Any])?["convergence"] as? [String: Any])
        XCTAssertEqual(convergence["pairs"] as? Int, 60, "10 windows × 3 references × 2 strands")
        XCTAssertLessThan(try XCTUnwrap(convergence["worst_absolute_delta"] as? Double), 1e-4)
    }

    func testThreadsDoNotChangeTheBytes() throws {
        var files: [Data] = []
        for threads in ["1", "2"] {
            let out = folder.file("t\(threads)")
            let run = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", region, "--step", "150",
                               "--method", "deeplift-shap", "--shuffles", "4", "--hypothetical", "--no-tracks",
                               "--threads", threads, "-o", out, "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
            files.append(try fileBytes(out + "/hypothetical.npz"))
        }
        XCTAssertEqual(files.count, 2)
        XCTAssertEqual(files[0], files[1])
    }

    func testBadRequestsAreRefusedBeforeAnyOutput() throws {
        // References of the wrong length, and references that are not one-hot.
        let wrong = folder.file("wrong.npz"), fuzzy = folder.file("fuzzy.npz")
        let shortWriter = try NPZWriter(path: wrong, rowShape: [4, 100])
        try shortWriter.append([Float](repeating: 0, count: 2 * 400))
        try shortWriter.finish()
        let fuzzyWriter = try NPZWriter(path: fuzzy, rowShape: [4, 300])
        try fuzzyWriter.append([Float](repeating: 0.25, count: 2 * 1200))
        try fuzzyWriter.finish()
        let cases: [[String]] = [
            ["--method", "deeplift-shap", "--shuffles", "0"],
            ["--method", "ism", "--hypothetical"],
            ["--method", "saliency", "--hypothetical"],
            ["--method", "deeplift-shap", "--references", wrong],
            ["--method", "deeplift-shap", "--references", fuzzy],
            ["--method", "lrp", "--references", wrong],
        ]
        for (index, extra) in cases.enumerated() {
            let out = folder.file("bad\(index)")
            let run = try plrp(["explain", "--model", model, "--fasta", Repo.genome, "--region", region, "-o", out] + extra)
            XCTAssertEqual(run.status, 2, "\(extra): \(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error:"), "\(extra): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "\(extra): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(extra) left \(out)")
        }
    }

    func testQueryAndRunTakeTheMethod() throws {
        let query = try plrp("query", "chr2R:1,000,001-1,000,600", "--model", model, "--fasta", Repo.genome,
                             "--method", "deeplift-shap", "--shuffles", "2", "--threads", "2")
        XCTAssertEqual(query.status, 0, query.stderr)
        XCTAssertFalse(query.stdout.isEmpty)
    }
}
