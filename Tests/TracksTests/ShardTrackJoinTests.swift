import GenomeIO
import TestSupport
import Tracks
import XCTest

/// A track joined from shard tracks and edge windows against the track of all windows at once, on random windows,
/// shard cuts (down to one window a shard), steps with and without overlap, regions and every aggregation.
final class ShardTrackJoinTests: XCTestCase {
    let contigs = ContigTable([Contig(name: "chrA", length: 200), Contig(name: "chrB", length: 119)])
    let length = 12

    /// A small deterministic generator (the tests need no particular distribution).
    struct Numbers {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        /// A value of a few distinct levels (runs form) or zero.
        mutating func value() -> Float { below(4) == 0 ? 0 : Float(below(7)) * 0.25 - 0.75 }
    }

    private func windows(step: Int, regions: [GenomicRegion], numbers: inout Numbers) -> [(Window, [Float])] {
        regions.flatMap { region in
            stride(from: region.start, to: region.end, by: step).map { start in
                (Window(contig: region.contig, start: start, end: start + length), (0..<length).map { _ in numbers.value() })
            }
        }
    }

    private func track(_ windows: ArraySlice<(Window, [Float])>, _ mode: Aggregation, _ extent: TrackExtent, into sink: TrackSink) throws {
        let aggregator = TrackAggregator(contigs: contigs, mode: mode, extent: extent, output: RunMerger([sink], keepsZeros: true))
        for (window, values) in windows {
            try aggregator.add(contig: window.contig, start: window.start, end: window.end, values: values[...])
        }
        try aggregator.finish()
    }

    func testJoinedShardsGiveTheTrackOfAllWindows() throws {
        var numbers = Numbers(state: 7)
        let regions = [GenomicRegion(contig: "chrA", start: 0, end: 140), GenomicRegion(contig: "chrA", start: 150, end: 200),
                       GenomicRegion(contig: "chrB", start: 3, end: 119)]
        let extent = try TrackExtent(regions: regions, contigs: contigs)
        var cases = 0, zones = 0
        for step in [1, 3, 5, 12, 15] {
            for mode in Aggregation.allCases {
                for trial in 0..<4 {
                    let all = windows(step: step, regions: regions, numbers: &numbers)
                    // Cuts: one window a shard in the first trial, random sizes after.
                    var cuts = trial == 0 ? Array(0...all.count) : [0]
                    while trial > 0, cuts.last! < all.count { cuts.append(min(all.count, cuts.last! + 1 + numbers.below(all.count / 3))) }
                    let expected = CollectedRuns()
                    try track(all[...], mode, extent, into: expected)
                    let folder = TemporaryFolder()
                    var shardTracks: [String] = [], edges: [ShardEdges] = []
                    for (i, (from, to)) in zip(cuts, cuts.dropFirst()).enumerated() {
                        let out = try OutputDirectory(path: folder.file("s\(i)"))
                        let writer = try ShardEdgeWriter(folder: out, windowLength: length, tracks: 1)
                        for (window, values) in all[from..<to] { try writer.add(window, values: [values[...]]) }
                        try writer.finish()
                        let bigWig = try BigWigWriter(path: out.stage("t.bw"), contigs: contigs)
                        try track(all[from..<to], mode, extent, into: bigWig)
                        try out.commit()
                        shardTracks.append(folder.file("s\(i)/t.bw"))
                        edges.append(try ShardEdges(folder: folder.file("s\(i)"), tracks: 1))
                    }
                    XCTAssertEqual(shardTracks.count, cuts.count - 1)
                    // The edges are few: at most the windows within one window length of either end.
                    XCTAssertLessThanOrEqual(edges.map(\.edges.count).max()!, 2 * (length / step + 1))
                    let coverage = TrackExtent(try shardTracks.flatMap { try BigWigRuns.coverage(of: $0, contigs: contigs) })
                    let join = try ShardTrackJoin(contigs: contigs, edges: edges, windowLength: length)
                    zones += join.zones.spans.count
                    let joined = CollectedRuns()
                    let output = RunMerger([joined], keepsZeros: true)
                    try join.join(shardTracks, zoneRuns: try join.zoneRuns(track: 0, aggregation: mode, extent: coverage), into: output)
                    try output.finish()
                    XCTAssertFalse(expected.runs.isEmpty)
                    let differs = Array(zip(joined.runs, expected.runs)).firstIndex { $0 != $1 }
                        ?? (joined.runs.count == expected.runs.count ? nil : min(joined.runs.count, expected.runs.count))
                    XCTAssertNil(differs, "step \(step), \(mode), cuts \(cuts): run \(differs ?? 0) of \(expected.runs.count) differs")
                    cases += 1
                }
            }
        }
        XCTAssertEqual(cases, 5 * Aggregation.allCases.count * 4)
        XCTAssertGreaterThan(zones, 100, "shards met inside windows")
    }

    func testEdgesAreTheWindowsNearEitherEnd() throws {
        let folder = TemporaryFolder()
        let out = try OutputDirectory(path: folder.file("s"))
        let writer = try ShardEdgeWriter(folder: out, windowLength: length, tracks: 2)
        // Windows every 4 bases from 20 on chrA, then two on chrB.
        let windows = stride(from: 20, to: 80, by: 4).map { Window(contig: "chrA", start: $0, end: $0 + length) }
            + [Window(contig: "chrB", start: 0, end: 12), Window(contig: "chrB", start: 6, end: 18)]
        for (i, window) in windows.enumerated() {
            try writer.add(window, values: [Array(repeating: Float(i), count: length)[...], Array(repeating: Float(-i), count: length)[...]])
        }
        try writer.finish()
        try out.commit()
        let edges = try ShardEdges(folder: folder.file("s"), tracks: 2)
        // First: starts 20, 24, 28 (< 20 + 12); last: the two chrB windows (the first reaches past the last's start).
        XCTAssertEqual(edges.edges.map(\.window), [windows[0], windows[1], windows[2], windows[15], windows[16]])
        XCTAssertEqual(edges.edges.map { $0.values[1][0] }, [0, -1, -2, -15, -16])
    }
}
