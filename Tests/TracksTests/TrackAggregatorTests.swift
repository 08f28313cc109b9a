import GenomeIO
import TestSupport
@testable import Tracks
import XCTest

/// Collects runs in memory, and says whether it was finished.
final class RunCollector: TrackSink {
    private let runs = CollectedRuns()
    var finished = false
    var collected: [TrackRun] { runs.runs }
    func write(_ run: TrackRun) throws { try runs.write(run) }
    func finish() throws { finished = true }

    /// The per-base values the runs describe (absent bases are nil).
    func perBase(contig: Int, upTo end: Int) -> [Float?] {
        var values = [Float?](repeating: nil, count: end)
        for run in collected where run.contig == contig {
            for p in run.start..<run.end { values[p] = run.value }
        }
        return values
    }
}

final class TrackAggregatorTests: XCTestCase {
    let contigs = ContigTable([Contig(name: "chrA", length: 30), Contig(name: "chrB", length: 10)])

    /// Windows of 8 bases every 2 (75% overlap) with distinct values: value(window w, offset i) = w*10 + i + 1.
    private func windows() -> [(start: Int, values: [Float])] {
        (0..<10).map { w in (w * 2, (0..<8).map { Float(w * 10 + $0 + 1) * (w % 3 == 1 ? -1 : 1) }) }
    }

    private func run(_ mode: Aggregation) throws -> [Float?] {
        let sink = RunCollector()
        let aggregator = TrackAggregator(contigs: contigs, mode: mode, output: RunMerger([sink]))
        for (start, values) in windows() {
            try aggregator.add(contig: "chrA", start: start, end: start + 8, values: values[...])
        }
        try aggregator.finish()
        XCTAssertTrue(sink.finished)
        // Sorted, never overlapping.
        XCTAssertGreaterThan(sink.collected.count, 1)
        for (a, b) in zip(sink.collected, sink.collected.dropFirst()) { XCTAssertLessThanOrEqual(a.end, b.start) }
        return sink.perBase(contig: 0, upTo: 30)
    }

    /// The covering windows of base p, as (window start, value), by brute force.
    private func covering(_ p: Int) -> [(Int, Float)] {
        windows().compactMap { start, values in p >= start && p < start + 8 ? (start, values[p - start]) : nil }
    }

    func testMeanOfCoveringWindows() throws {
        let track = try run(.mean)
        for p in 0..<30 {
            let values = covering(p).map { Double($0.1) }
            if p >= 26 { XCTAssertNil(track[p]); continue }  // past the last window (26 = 18 + 8)
            // A mean of exactly 0 is left out of the track (alwaysZero=on).
            XCTAssertEqual(Double(track[p] ?? 0), values.reduce(0, +) / Double(values.count), accuracy: 1e-5, "base \(p)")
        }
        // Inside the overlap each base is covered by 4 windows (75% overlap).
        XCTAssertEqual(covering(10).count, 4)
    }

    func testMaxAbsKeepsTheLargestMagnitude() throws {
        let track = try run(.maxAbs)
        for p in 0..<26 {
            XCTAssertEqual(track[p], covering(p).map(\.1).max { abs($0) < abs($1) })
        }
    }

    func testCenterTakesTheNearestWindowCentre() throws {
        let track = try run(.center)
        for p in 0..<26 {
            // Centre of window s is s + 4 (between bases s+3 and s+4); nearest by |2p+1 − (2s+8)|, earlier on ties.
            let best = covering(p).min { abs(2 * p + 1 - (2 * $0.0 + 8)) < abs(2 * p + 1 - (2 * $1.0 + 8)) }!
            XCTAssertEqual(track[p], best.1, "base \(p)")
        }
    }

    func testRunsMergeEqualValuesDropZerosAndClipToTheContig() throws {
        let sink = RunCollector()
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, output: RunMerger([sink]))
        try aggregator.add(contig: "chrA", start: 0, end: 4, values: [1, 1, 0, 2][...])
        try aggregator.add(contig: "chrB", start: 6, end: 14, values: [3, 3, 3, 3, 5, 5, 5, 5][...])
        try aggregator.finish()
        XCTAssertEqual(sink.collected, [
            TrackRun(contig: 0, start: 0, end: 2, value: 1), TrackRun(contig: 0, start: 3, end: 4, value: 2),
            TrackRun(contig: 1, start: 6, end: 10, value: 3),
        ])
    }

    func testReadPlacementsSkipUnplacedColumns() throws {
        let sink = RunCollector()
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, output: RunMerger([sink]))
        try aggregator.add(contig: "chrA", start: 5, end: 9, positions: [-1, 5, 6, 8], values: [9, 1, 1, 4][...])
        try aggregator.add(contig: "chrA", start: 6, end: 9, positions: [6, 7, 8, -1], values: [3, 2, 2, 9][...])
        try aggregator.finish()
        XCTAssertEqual(sink.perBase(contig: 0, upTo: 10), [nil, nil, nil, nil, nil, 1, 2, 2, 3, nil])
    }

    func testWindowsOutOfOrderAreRefused() throws {
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, output: RunMerger([RunCollector()]))
        try aggregator.add(contig: "chrB", start: 2, end: 4, values: [1, 1][...])
        XCTAssertThrowsError(try aggregator.add(contig: "chrA", start: 0, end: 2, values: [1, 1][...]))
        XCTAssertThrowsError(try aggregator.add(contig: "chrB", start: 1, end: 3, values: [1, 1][...]))
    }

    func testGenomeTracksKeepZerosAndStopAtTheExtent() throws {
        let sink = RunCollector()
        // Two regions of chrA, [2, 9) and [12, 14), and one of chrB; windows of 4 every 4 reach past each end.
        let extent = TrackExtent([.init(contig: 0, start: 12, end: 14), .init(contig: 0, start: 2, end: 9),
                                  .init(contig: 1, start: 0, end: 3)])
        XCTAssertEqual(extent.spans.map(\.start), [2, 12, 0])
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, extent: extent, output: RunMerger([sink], keepsZeros: true))
        try aggregator.add(contig: "chrA", start: 2, end: 6, values: [0, 0, 1, -0][...])
        try aggregator.add(contig: "chrA", start: 6, end: 10, values: [0, 2, 2, 7][...])
        try aggregator.add(contig: "chrA", start: 12, end: 16, values: [3, 0, 9, 9][...])
        try aggregator.add(contig: "chrB", start: 0, end: 4, values: [0, 0, 0, 5][...])
        try aggregator.finish()
        XCTAssertTrue(sink.finished)
        // Zeros are runs of their own (-0 joins 0 and is written as 0); base 9 (chrA), 14–15 and chrB's 3 lie past
        // the regions' ends although windows covered them, so the track stops there.
        XCTAssertEqual(sink.collected, [
            TrackRun(contig: 0, start: 2, end: 4, value: 0), TrackRun(contig: 0, start: 4, end: 5, value: 1),
            TrackRun(contig: 0, start: 5, end: 7, value: 0), TrackRun(contig: 0, start: 7, end: 9, value: 2),
            TrackRun(contig: 0, start: 12, end: 13, value: 3), TrackRun(contig: 0, start: 13, end: 14, value: 0),
            TrackRun(contig: 1, start: 0, end: 3, value: 0),
        ])
        XCTAssertEqual(sink.collected[2].value.sign, .plus)
    }

    func testReadTracksStopAtTheExtentToo() throws {
        let sink = RunCollector()
        let aggregator = TrackAggregator(contigs: contigs, mode: .mean, extent: TrackExtent([.init(contig: 0, start: 6, end: 8)]),
                                         output: RunMerger([sink], keepsZeros: true))
        try aggregator.add(contig: "chrA", start: 5, end: 9, positions: [-1, 5, 6, 8], values: [9, 1, 0, 4][...])
        try aggregator.add(contig: "chrA", start: 6, end: 9, positions: [6, 7, 8, -1], values: [0, 2, 2, 9][...])
        try aggregator.finish()
        XCTAssertEqual(sink.perBase(contig: 0, upTo: 10), [nil, nil, nil, nil, nil, nil, 0, 2, nil, nil])
    }

    /// Windows in bulk give the same runs as the same values added base by base to a RunMerger.
    func testBulkRunsEqualRunsMergedBaseByBase() throws {
        var random = SeededRandom(seed: 9)
        let contigs = ContigTable([Contig(name: "chrA", length: 50_000)])
        let bulk = RunCollector(), single = RunCollector()
        let aggregator = TrackAggregator(contigs: contigs, mode: .maxAbs, output: RunMerger([bulk], keepsZeros: true))
        let merger = RunMerger([single], keepsZeros: true)
        var start = 0
        while start + 40 <= 50_000 {
            // Values from a small set, so equal neighbours merge; windows of 40 every 40 with a gap now and then.
            let values = (0..<40).map { _ in Float(Int(random.next() % 3)) - 1 }
            try aggregator.add(contig: "chrA", start: start, end: start + 40, values: values[...])
            for (i, value) in values.enumerated() { try merger.add(contig: 0, position: start + i, value: value) }
            start += random.next() % 5 == 0 ? 50 : 40
        }
        try aggregator.finish()
        try merger.finish()
        XCTAssertGreaterThan(bulk.collected.count, RunMerger.blockSize, "more than one block")
        XCTAssertEqual(bulk.collected.count, single.collected.count)
        XCTAssertEqual(bulk.collected, single.collected)
    }
}

