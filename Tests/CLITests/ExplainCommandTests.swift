import Foundation
import TestSupport
import Tracks
import XCTest

/// `plrp explain` end to end on the shipped genome and default model.
final class ExplainCommandTests: XCTestCase {
    let model = Repo.path("data/models/default.safetensors")

    func testWritesArraysWindowsAndManifest() throws {
        let folder = TemporaryFolder()
        let run = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:2,000,001-2,006,000",
                           "--prune", "0.5", "--plrp", "m", "--threads", "2", "-o", folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let ohe = try NPZReader.read(path: folder.file("ohe.npz"))
        let attr = try NPZReader.read(path: folder.file("attr.npz"))
        XCTAssertEqual(ohe.shape, [20, 4, 300])
        XCTAssertEqual(attr.shape, [20, 4, 300])
        let rows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 20)
        XCTAssertEqual(rows[0], "chr2R\t2000000\t2000300\tchr2R:2000000-2000300(+)\t0\t+")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("manifest.json")))) as! [String: Any]
        let parameters = manifest["parameters"] as! [String: Any]
        XCTAssertEqual(parameters["plrp"] as? String, "m")
        XCTAssertEqual((parameters["rules"] as? [String: String])?["0"], "zplus")
        let conservation = (manifest["results"] as! [String: Any])["conservation"] as! [String: Any]
        XCTAssertNotNil(conservation["worst_absolute_deviation"] as? Double)
        XCTAssertEqual(conservation["windows_beyond_bias_and_epsilon"] as? Int, 0)
    }

    func testSameOutputForAnyThreadCount() throws {
        let folder = TemporaryFolder()
        for threads in ["1", "2"] {
            let run = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:3,000,001-3,009,000",
                               "--prune", "0.3", "--threads", threads, "-o", folder.file("t\(threads)"), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        for file in ["attr.npz", "ohe.npz", "windows.bed", "relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw"] {
            XCTAssertEqual(try fileBytes(folder.file("t1/\(file)")), try fileBytes(folder.file("t2/\(file)")), file)
        }
    }

    func testBaselinesAndTargets() throws {
        let folder = TemporaryFolder()
        for method in ["gradient-x-input", "saliency", "ism"] {
            let run = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:4,000,001-4,000,600",
                               "--method", method, "--target", "promoter", "-o", folder.file(method), "--quiet")
            XCTAssertEqual(run.status, 0, "\(method): \(run.stderr)")
            XCTAssertEqual(try NPZReader.read(path: folder.file("\(method)/attr.npz")).shape, [2, 4, 300])
        }
    }

    func testBadRequestsAreUsageErrors() throws {
        let folder = TemporaryFolder()
        let cases: [([String], String)] = [
            (["--target", "enhancer"], "--target 'enhancer' is not an output"),
            (["--rule", "99=epsilon"], "no conv or dense layer is named '99'"),
            (["--rule", "3=banana"], "unknown rule 'banana'"),
            (["--prune", "1.5"], "not a fraction"),
            (["--composite", "nope"], "nope"),
        ]
        for (extra, message) in cases {
            let run = try plrp(["explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1-600",
                                "-o", folder.file("x")] + extra)
            XCTAssertEqual(run.status, 2, "\(extra): \(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: ") && run.stderr.contains(message), "\(extra): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("x")))
        }
    }

    func testTargetAllWritesOneRowPerWindowAndOutput() throws {
        let folder = TemporaryFolder()
        let fixture = Repo.fixture("lrp/a_bn_pools.safetensors")  // 3 outputs y0, y1, y2; input 40 bp
        let run = try plrp("explain", "--model", fixture, "--fasta", Repo.genome, "--region", "chr2R:100,001-100,080",
                           "--target", "all", "-o", folder.path, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.map { $0.split(separator: "\t")[3] }, [
            "chr2R:100000-100040(+)|y0", "chr2R:100000-100040(+)|y1", "chr2R:100000-100040(+)|y2",
            "chr2R:100040-100080(+)|y0", "chr2R:100040-100080(+)|y1", "chr2R:100040-100080(+)|y2",
        ])
        let attr = try NPZReader.read(path: folder.file("attr.npz"))
        XCTAssertEqual(attr.shape, [6, 4, 40])
        // Each row is that output's explanation: the y1 row equals a run with --target y1.
        let single = try plrp("explain", "--model", fixture, "--fasta", Repo.genome, "--region", "chr2R:100,001-100,080",
                              "--target", "y1", "-o", folder.file("y1"), "--quiet")
        XCTAssertEqual(single.status, 0, single.stderr)
        let y1 = try NPZReader.read(path: folder.file("y1/attr.npz"))
        XCTAssertEqual(Array(attr.values[160..<320]), Array(y1.values[0..<160]))
    }

    func testReadsAreExplainedInTheirOwnCoordinates() throws {
        let folder = TemporaryFolder()
        let fixture = Repo.fixture("lrp/a_bn_pools.safetensors")
        let run = try plrp("explain", "--model", fixture, "--bam", Repo.reads, "--region", "chr2R", "--min-mapq", "0",
                           "-o", folder.path, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 600)
        XCTAssertTrue(rows[0].split(separator: "\t")[3].hasPrefix("SRR"), String(rows[0]))
        XCTAssertEqual(try NPZReader.read(path: folder.file("attr.npz")).shape, [600, 4, 40])
    }
}
