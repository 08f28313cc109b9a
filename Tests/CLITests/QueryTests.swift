import Foundation
import TestSupport
import XCTest

/// `plrp query`: on the spot and from a run's indexed files, in its three formats.
final class QueryTests: XCTestCase {
    /// 3,000 bases (20 steps) into the run's region, so the query's windows have the run's phase.
    static let region = "chr2R:1,003,001-1,005,000"

    private func table(_ text: String) -> [[Substring]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst().map { $0.split(separator: "\t") }
    }

    func testOnTheSpotAndFromResultsAgreeWithTheRunsTrack() throws {
        let folder = TemporaryFolder()
        let run = try plrp("run", "--region", "chr2R:1,000,001-1,030,000", "-o", folder.file("run"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)

        let fresh = try plrp("query", Self.region)
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        let rows = table(fresh.stdoutText)
        XCTAssertEqual(rows.count, 2000)
        XCTAssertEqual(rows.map { Int($0[0])! }, Array(1_003_001...1_005_000))
        XCTAssertTrue(rows.allSatisfy { "ACGTN".contains($0[1].uppercased()) })

        let stored = try plrp("query", Self.region, "--results", folder.file("run"))
        XCTAssertEqual(stored.status, 0, stored.stderr)
        let storedRows = table(stored.stdoutText)
        XCTAssertEqual(storedRows.count, 2000)
        // Same windows (the run's start and step), same mean: the same per-base relevance.
        for (a, b) in zip(rows, storedRows) {
            XCTAssertEqual(Double(a[2])!, Double(b[2])!, accuracy: 1e-5 * max(1, abs(Double(a[2])!)), "\(a[0])")
        }
        // The bedGraph format, from the results and on the spot, is the run's track lines inside the region, zeros
        // included.
        let track = try runProcess("tabix", [folder.file("run/relevance.bedGraph.gz"), "chr2R:1003001-1005000"]).stdoutText
            .split(separator: "\n").map { line -> String in
                var f = line.split(separator: "\t").map(String.init)
                f[1] = String(max(Int(f[1])!, 1_003_000))
                f[2] = String(min(Int(f[2])!, 1_005_000))
                return f.joined(separator: "\t")
            }
        XCTAssertTrue(track.contains { $0.hasSuffix("\t0") }, "the track holds zeros")
        for source in [["--results", folder.file("run")], []] {
            let bedgraph = try plrp(["query", Self.region, "--format", "bedgraph"] + source)
            XCTAssertEqual(bedgraph.status, 0, bedgraph.stderr)
            let lines = bedgraph.stdoutText.split(separator: "\n").dropFirst()
            XCTAssertGreaterThan(lines.count, 100)
            XCTAssertEqual(lines.map(String.init), track, "\(source)")
        }
    }

    func testJSONAndSeqletsAndErrors() throws {
        let json = try plrp("query", "chr2R:1,000,001-1,000,400", "--format", "json")
        XCTAssertEqual(json.status, 0, json.stderr)
        let document = try JSONSerialization.jsonObject(with: json.stdout) as! [String: Any]
        XCTAssertEqual((document["bases"] as! [[String: Any]]).count, 400)
        XCTAssertEqual(document["start"] as? Int, 1_000_000)
        for seqlet in document["seqlets"] as! [[String: Any]] {
            XCTAssertTrue(["pos", "neg"].contains(seqlet["name"] as! String))
            XCTAssertLessThan(seqlet["core_start"] as! Int, seqlet["core_end"] as! Int)
        }
        let bad = try plrp("query", "chrX:1-100")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("plrp: error: ") && bad.stderr.contains("chrX"), bad.stderr)
        let noResults = try plrp("query", Self.region, "--results", "/nonexistent")
        XCTAssertEqual(noResults.status, 1)
        XCTAssertTrue(noResults.stderr.contains("has no relevance.bedGraph.gz"), noResults.stderr)
    }

    /// On the spot and from results, a query writes nothing: not in the working folder, not in TMPDIR, not beside
    /// the genome.
    func testAQueryCreatesNoFile() throws {
        let work = TemporaryFolder(), scratch = TemporaryFolder()
        let genomeFolder = Repo.path("data/genome")
        let before = try FileManager.default.contentsOfDirectory(atPath: genomeFolder).sorted()
        let run = try runProcess(Repo.binary, ["query", "chr2R:1,003,001-1,004,000", "--fasta", Repo.genome, "--model",
                                               Repo.path("data/models/default.safetensors"), "--format", "json"],
                                 currentDirectory: work.path, environment: ["TMPDIR": scratch.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdoutText.hasPrefix("{\"bases\":["))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: genomeFolder).sorted(), before)
    }
}
