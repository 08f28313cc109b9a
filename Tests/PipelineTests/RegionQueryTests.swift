import Foundation
import Pipeline
import TestSupport
import XCTest

/// `plrp query`'s logic: on the spot in memory, from a run's files, and its output formats.
final class RegionQueryTests: XCTestCase {
    /// 3,000 bases (20 steps) into the run's region, so the windows have the run's phase.
    static let region = "chr2R:1,003,001-1,005,000"

    private func job(_ region: String = region, results: String? = nil) -> QueryJob {
        var job = QueryJob(region: region, fasta: Repo.genome, model: Shipped.model)
        job.database = Shipped.database
        job.results = results
        return job
    }

    func testOnTheSpotAgreesWithTheRunsFiles() throws {
        let fresh = try RegionQuery(job(), diagnostics: .silent).answer()
        XCTAssertEqual(fresh.region, GenomicRegion(contig: "chr2R", start: 1_003_000, end: 1_005_000))
        XCTAssertEqual(fresh.relevance.count, 2000)
        XCTAssertEqual(fresh.uncovered, [])
        XCTAssertTrue(fresh.source.hasPrefix("explained: 15 windows of default.safetensors, epsilon_plus, PLRP-lambda p=0.5"), fresh.source)
        XCTAssertTrue(fresh.seqlets.allSatisfy { ["pos", "neg"].contains($0.name) && $0.coreStart < 1_005_000 && $0.coreEnd > 1_003_000 })
        let stored = try RegionQuery(job(results: Shipped.runFolder), diagnostics: .silent).answer()
        XCTAssertEqual(stored.uncovered, [])
        XCTAssertEqual(stored.bases, fresh.bases)
        // Same windows, same mean: the same per-base relevance (the run's track rounds to the shortest float text).
        for (a, b) in zip(fresh.relevance, stored.relevance) {
            XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a)))
        }
        XCTAssertTrue(stored.seqlets.allSatisfy { $0.coreStart < 1_005_000 && $0.coreEnd > 1_003_000 })
    }

    func testStreamedRunsAreTheAnswersBedGraph() throws {
        for results in [nil, Shipped.runFolder] {
            let query = try RegionQuery(job(results: results), diagnostics: .silent)
            var streamed = QueryAnswer.bedGraphHeader(query.region, source: query.source)
            let bare = try query.answer(relevance: false, seqlets: false) { start, end, value in
                streamed += QueryAnswer.bedGraphLine("chr2R", start, end, value)
            }
            XCTAssertTrue(bare.relevance.isEmpty && bare.seqlets.isEmpty)
            let whole = try query.answer().text(.bedgraph)
            XCTAssertGreaterThan(whole.split(separator: "\n").count, 100)
            XCTAssertEqual(streamed, whole)
        }
    }

    func testJSONIsWhatJSONSerializationWritesForTheWholeDocument() throws {
        for (region, results) in [("chr2R:1,000,001-1,000,400", nil), ("chr2R:999,801-1,000,400", Shipped.runFolder)] {
            let answer = try RegionQuery(job(region, results: results), diagnostics: .silent).answer()
            let document: [String: Any] = [
                "region": answer.region.description, "contig": "chr2R", "start": answer.region.start, "end": answer.region.end,
                "source": answer.source, "uncovered": answer.uncovered.map { [$0.lowerBound, $0.upperBound] },
                "bases": answer.relevance.enumerated().map { i, value in
                    let p = answer.region.start + i
                    return ["position": p + 1, "base": String(UnicodeScalar(answer.bases[i])),
                            "relevance": answer.uncovered.contains { $0.contains(p) } ? NSNull() : Double(value) as Any] as [String: Any]
                },
                "seqlets": answer.seqlets.map {
                    ["start": $0.start, "end": $0.end, "core_start": $0.coreStart, "core_end": $0.coreEnd, "name": $0.name,
                     "match": $0.match] as [String: Any]
                },
            ]
            let expected = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
            XCTAssertEqual(answer.text(.json), String(decoding: expected, as: UTF8.self) + "\n", region)
        }
    }

    func testBasesTheRunNeverCoveredAreMarkedNotZero() throws {
        let warnings = Warnings()
        // The run starts at 1,000,001: the first 1,000 bases of this region are outside it.
        let answer = try RegionQuery(job("chr2R:999,001-1,001,000", results: Shipped.runFolder), diagnostics: warnings.diagnostics).answer()
        XCTAssertEqual(answer.uncovered, [999_000..<1_000_000])
        XCTAssertEqual(warnings.all.count, 1)
        XCTAssertTrue(warnings.all[0].contains("never covered 1000 of the 2000 bases of chr2R:999001-1001000 (chr2R:999001-1000000)"),
                      warnings.all[0])
        let rows = answer.text(.table).split(separator: "\n").dropFirst(2).map { $0.split(separator: "\t") }
        XCTAssertEqual(rows.count, 2000)
        XCTAssertTrue(rows[..<1000].allSatisfy { $0[2] == "NA" })
        XCTAssertTrue(rows[1000...].allSatisfy { $0[2] != "NA" })
        let json = try JSONSerialization.jsonObject(with: Data(answer.text(.json).utf8)) as! [String: Any]
        let bases = json["bases"] as! [[String: Any]]
        XCTAssertTrue(bases[..<1000].allSatisfy { $0["relevance"] is NSNull })
        XCTAssertTrue(bases[1000...].allSatisfy { $0["relevance"] is NSNumber })
        XCTAssertEqual(json["uncovered"] as? [[Int]], [[999_000, 1_000_000]])
        // A region the run covers has no warning.
        let inside = Warnings()
        _ = try RegionQuery(job(results: Shipped.runFolder), diagnostics: inside.diagnostics)
        XCTAssertEqual(inside.all, [])
    }

    func testTheSeqletSweepIsAScanPerBase() {
        var random = SeededRandom(seed: 7)
        let region = GenomicRegion(contig: "c", start: 1000, end: 3000)
        let seqlets = (0..<300).map { _ -> QuerySeqlet in
            let start = 900 + Int(random.next() % 2200), width = 1 + Int(random.next() % 30)
            return QuerySeqlet(start: start - 3, end: start + width + 3, coreStart: start, coreEnd: start + width,
                               name: random.next() % 2 == 0 ? "pos" : "neg", match: "")
        }
        let answer = QueryAnswer(region: region, bases: [UInt8](repeating: UInt8(ascii: "A"), count: 2000), source: "test",
                                 relevance: [Float](repeating: 0, count: 2000), uncovered: [1500..<1600, 2990..<3000], seqlets: seqlets)
        var visited = 0
        answer.forEachBase { i, covered, covering in
            let p = 1000 + i
            XCTAssertEqual(covering, seqlets.indices.filter { seqlets[$0].coreStart <= p && p < seqlets[$0].coreEnd }, "\(p)")
            XCTAssertEqual(covered, !((1500..<1600).contains(p) || p >= 2990), "\(p)")
            visited += 1
        }
        XCTAssertEqual(visited, 2000)
    }

    func testErrorsAreTyped() {
        assertPipelineError(.data, containing: "chrX") { _ = try RegionQuery(job("chrX:1-100"), diagnostics: .silent) }
        assertPipelineError(.data, containing: "has no relevance.bedGraph.gz") {
            _ = try RegionQuery(job(results: "/nonexistent"), diagnostics: .silent)
        }
        assertPipelineError(.usage, containing: "chr2R") { _ = try RegionQuery(job("chr2R:5-1"), diagnostics: .silent) }
    }
}
