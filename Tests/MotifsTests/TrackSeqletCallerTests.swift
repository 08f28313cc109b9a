import Model
@testable import Motifs
import TestSupport
import XCTest

/// Seqlets called on a streamed per-base track: rows, their overlap and the blocks they are called in.
final class TrackSeqletCallerTests: XCTestCase {
    /// A contig of sparse noise with strong stretches of 10 bases planted at `sites`.
    private func track(length: Int, sites: [Int]) -> [Float] {
        var random = SeededRandom(seed: 7)
        var values = (0..<length).map { _ -> Float in random.next() % 4 == 0 ? random.uniform(-0.3, 0.3) : 0 }
        for s in sites { for i in s..<(s + 10) { values[i] = random.uniform(0.8, 1.2) } }
        return values
    }

    private func caller(rowLength: Int, blockRows: Int) -> TrackSeqletCaller {
        var caller = TrackSeqletCaller()
        caller.rowLength = rowLength
        caller.blockRows = blockRows
        caller.caller.negatives = .none
        return caller
    }

    private func call(_ values: [Float], _ caller: TrackSeqletCaller, reads: inout [Range<Int>]) throws -> TrackSeqletCaller.Result {
        var log: [Range<Int>] = []
        let result = try caller.call([.init(contig: "c", start: 0, end: values.count, contigLength: values.count)], read: { contig, start, end, buffer in
            XCTAssertEqual(contig, "c")
            log.append(start..<end)
            buffer = Array(values[start..<end])
            return buffer.contains { $0 != 0 }
        })
        reads = log
        return result
    }

    func testPlantedStretchesAreFoundOnceAtTheirPlaceAlsoAcrossRowBoundaries() throws {
        // Rows of 200 bases every 176 (overlap 24) start at 0, 176, 352, 528, 704, …: sites 170, 345 and 700 straddle
        // a row start and lie in two rows; 60 lies inside one.
        let sites = [60, 170, 345, 700]
        let values = track(length: 2000, sites: sites)
        var reads: [Range<Int>] = []
        let result = try call(values, caller(rowLength: 200, blockRows: 4), reads: &reads)
        XCTAssertEqual(reads.count, 3, "12 rows in blocks of 4")
        XCTAssertEqual(reads.first?.lowerBound, 0)
        XCTAssertEqual(reads.last?.upperBound, 2000)
        XCTAssertEqual(result.blocks, 3)
        let found = result.sites.filter { $0.sign == .positive }
        for s in sites {
            let hits = found.filter { $0.coreStart < s + 10 && $0.coreEnd > s }
            XCTAssertEqual(hits.count, 1, "site \(s) once: \(hits.map(\.coreStart))")
            // The 12-base core holds the 10 planted bases.
            if let hit = hits.first { XCTAssertTrue((s - 2)...s ~= hit.coreStart, "\(s): core at \(hit.coreStart)") }
        }
        XCTAssertEqual(result.called[.positive], found.count + result.joined)
        // A kept span is core and flanks, with the track's values there.
        for site in found {
            XCTAssertEqual(site.spanStart, site.coreStart - 6)
            XCTAssertEqual(site.values, Array(values[site.spanStart..<(site.spanStart + 24)]))
        }
    }

    func testOnlyTheStrongestAreKeptAndAllAreCounted() throws {
        let sites = stride(from: 100, to: 3900, by: 300).map { $0 }
        var values = track(length: 4000, sites: sites)
        // Site k planted k times as strongly as the first.
        for (k, s) in sites.enumerated() { for i in s..<(s + 10) { values[i] *= Float(k + 1) } }
        var tracker = caller(rowLength: 500, blockRows: 2)
        tracker.keep = 3
        var reads: [Range<Int>] = []
        let result = try call(values, tracker, reads: &reads)
        let positive = result.sites.filter { $0.sign == .positive }
        XCTAssertEqual(positive.count, 3)
        XCTAssertGreaterThanOrEqual(result.called[.positive] ?? 0, sites.count)
        XCTAssertEqual(positive.map { sites.firstIndex(of: $0.coreStart) ?? sites.firstIndex(of: $0.coreStart + 1) ?? sites.firstIndex(of: $0.coreStart + 2) ?? -1 },
                       [sites.count - 3, sites.count - 2, sites.count - 1], "the three strongest, in genome order")
    }

    func testRowsWithoutValuesAreNotCalled() throws {
        var values = [Float](repeating: 0, count: 5000)
        let planted = track(length: 400, sites: [200])
        values.replaceSubrange(3000..<3400, with: planted)
        var reads: [Range<Int>] = []
        let result = try call(values, caller(rowLength: 300, blockRows: 2), reads: &reads)
        XCTAssertGreaterThan(reads.count, 5)
        XCTAssertLessThanOrEqual(result.blocks, 2, "only blocks with values are called")
        XCTAssertTrue(result.sites.contains { $0.sign == .positive && (3198...3200).contains($0.coreStart) })
    }
}
