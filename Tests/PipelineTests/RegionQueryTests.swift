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

    func testStreamedBedGraphIsTheCollectedAnswers() throws {
        for results in [nil, Shipped.runFolder] {
            let query = try RegionQuery(job(results: results), diagnostics: .silent)
            var streamed = ""
            try query.stream(to: QueryWriter(.bedgraph) { streamed += $0 }, seqlets: false)
            let whole = try query.answer().text(.bedgraph)
            XCTAssertTrue(whole.hasPrefix(QueryWriter.bedGraphHeader(query.region, source: query.source)))
            XCTAssertGreaterThan(whole.split(separator: "\n").count, 100)
            XCTAssertEqual(streamed, whole)
        }
    }

    /// Bases passed on as blocks of windows complete, in order, in pieces; the relevance does not depend on the
    /// block size, and a region of one block calls the seqlets a block of any larger size calls.
    func testBlocksOfWindowsPassTheSameBasesInOrder() throws {
        final class Pieces: QueryReceiver {
            var starts: [Int] = [], lengths: [Int] = [], seqletsBeforeBases = 0, seqlets: [QuerySeqlet] = []
            func begin(region: GenomicRegion, source: String, uncovered: [Range<Int>]) {}
            func seqlets(_ found: [QuerySeqlet]) { seqlets += found }
            func bases(from start: Int, letters: ArraySlice<UInt8>, relevance: ArraySlice<Float>) {
                XCTAssertEqual(letters.count, relevance.count)
                starts.append(start)
                lengths.append(letters.count)
            }
            func finish() {}
        }
        let whole = try RegionQuery(job(), diagnostics: .silent).answer()
        var blocked = job()
        blocked.seqletBlock = 4
        let query = try RegionQuery(blocked, diagnostics: .silent)
        let pieces = Pieces()
        try query.stream(to: pieces)
        XCTAssertGreaterThan(pieces.starts.count, 2)
        XCTAssertEqual(pieces.starts.first, 1_003_000)
        XCTAssertEqual(zip(pieces.starts, pieces.lengths).map { $0 + $1 }.dropLast(), pieces.starts.dropFirst()[...])
        XCTAssertEqual(pieces.lengths.reduce(0, +), 2000)
        let small = try query.answer()
        XCTAssertEqual(bits(small.relevance), bits(whole.relevance))
        XCTAssertEqual(small.bases, whole.bases)
        XCTAssertTrue(small.seqlets.allSatisfy { $0.coreStart < 1_005_000 && $0.coreEnd > 1_003_000 })
        var large = job()
        large.seqletBlock = 1000
        XCTAssertEqual(try RegionQuery(large, diagnostics: .silent).answer().seqlets, whole.seqlets)
        XCTAssertFalse(whole.seqlets.isEmpty)
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

    /// The table's seqlet column, seqlets arriving in two batches, against a scan of every seqlet per base.
    func testTheTableListsTheSeqletsCoveringEachBase() {
        var random = SeededRandom(seed: 7)
        let region = GenomicRegion(contig: "c", start: 1000, end: 3000)
        let seqlets = (0..<300).map { k -> QuerySeqlet in
            let start = 900 + Int(random.next() % 2200), width = 1 + Int(random.next() % 30)
            return QuerySeqlet(start: start - 3, end: start + width + 3, coreStart: start, coreEnd: start + width,
                               name: "s\(k)", match: "")
        }
        var text = ""
        let writer = QueryWriter(.table) { text += $0 }
        writer.begin(region: region, source: "test", uncovered: [1500..<1600, 2990..<3000])
        // The second batch arrives after the bases before its first core.
        let first = seqlets.filter { $0.coreStart < 2000 }, second = seqlets.filter { $0.coreStart >= 2000 }
        XCTAssertFalse(first.isEmpty || second.isEmpty)
        let arrival = first + second
        writer.seqlets(first)
        let letters = [UInt8](repeating: UInt8(ascii: "A"), count: 2000), zeros = [Float](repeating: 0, count: 2000)
        writer.bases(from: 1000, letters: letters[..<1000], relevance: zeros[..<1000])
        writer.seqlets(second)
        writer.bases(from: 2000, letters: letters[1000...], relevance: zeros[1000...])
        writer.finish()
        let rows = text.split(separator: "\n").dropFirst(2).map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.count, 2000)
        for (i, row) in rows.enumerated() {
            let p = 1000 + i
            let covering = arrival.filter { $0.coreStart <= p && p < $0.coreEnd }.map(\.name)
            XCTAssertEqual(row[0], "\(p + 1)")
            XCTAssertEqual(row[3], covering.isEmpty ? "." : covering.joined(separator: ","), "\(p)")
            XCTAssertEqual(row[2] == "NA", (1500..<1600).contains(p) || p >= 2990, "\(p)")
        }
    }

    func testErrorsAreTyped() {
        assertPipelineError(.data, containing: "chrX") { _ = try RegionQuery(job("chrX:1-100"), diagnostics: .silent) }
        assertPipelineError(.data, containing: "has no relevance.bedGraph.gz") {
            _ = try RegionQuery(job(results: "/nonexistent"), diagnostics: .silent)
        }
        assertPipelineError(.usage, containing: "chr2R") { _ = try RegionQuery(job("chr2R:5-1"), diagnostics: .silent) }
    }
}
