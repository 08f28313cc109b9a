import Foundation
import GenomeIO
import TestSupport
@testable import Tracks
import XCTest

/// bedGraph.gz + tabix and bigWig written from the same runs, read back with tabix and libBigWig.
final class TrackFileTests: XCTestCase {
    let contigs = ContigTable([Contig(name: "chr1", length: 5_000), Contig(name: "chr2", length: 300)])

    private func writeTracks(in folder: TemporaryFolder) throws -> [TrackRun] {
        var random = SeededRandom(seed: 5)
        var runs: [TrackRun] = []
        var position = 0
        while position < 4_900 {
            let length = 1 + Int(random.next() % 40)
            runs.append(TrackRun(contig: 0, start: position, end: position + length, value: random.uniform(-2, 2)))
            position += length + Int(random.next() % 3)
        }
        // A covered base of zero relevance is a run of value 0, book-ended by its neighbours.
        runs.append(TrackRun(contig: 1, start: 10, end: 20, value: 0))
        runs.append(TrackRun(contig: 1, start: 20, end: 300, value: 0.5))
        try write(runs, contigs: contigs, in: folder)
        return runs
    }

    private func write(_ runs: [TrackRun], contigs: ContigTable, in folder: TemporaryFolder) throws {
        let bedGraph = try BedGraphWriter(path: folder.file("t.bedGraph.gz"), indexPath: folder.file("t.bedGraph.gz.tbi"),
                                          contigs: contigs, trackLine: BedGraphWriter.trackLine(name: "t", description: "test"))
        let bigWig = try BigWigWriter(path: folder.file("t.bw"), contigs: contigs)
        for run in runs {
            try bedGraph.write(run)
            try bigWig.write(run)
        }
        try bedGraph.finish()
        try bigWig.finish()
    }

    private func lines(_ runs: [TrackRun]) -> [String] {
        runs.map { "\(contigs[$0.contig].name)\t\($0.start)\t\($0.end)\t\(BedGraphWriter.format($0.value))" }
    }

    func testTabixQueryReturnsTheOverlappingLines() throws {
        let folder = TemporaryFolder()
        let runs = try writeTracks(in: folder)
        let all = try runProcess("tabix", [folder.file("t.bedGraph.gz"), "chr1"]).stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(all, lines(runs.filter { $0.contig == 0 }))
        let query = try runProcess("tabix", [folder.file("t.bedGraph.gz"), "chr1:1001-2000"])
        XCTAssertEqual(query.status, 0)
        let expected = runs.filter { $0.contig == 0 && $0.end > 1000 && $0.start < 2000 }
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(query.stdoutText.split(separator: "\n").map(String.init), lines(expected))
        // The track line comes first and the index skips it.
        let text = try runProcess("gzip", ["-dc", folder.file("t.bedGraph.gz")]).stdoutText
        XCTAssertTrue(text.hasPrefix("track type=bedGraph name=\"t\" description=\"test\""), text)
        XCTAssertTrue(text.split(separator: "\n").first!.hasSuffix("alwaysZero=on"))
    }

    func testBigWigReadsBackAsTheBedGraph() throws {
        let folder = TemporaryFolder()
        let runs = try writeTracks(in: folder)
        let reader = try BigWigReader(path: folder.file("t.bw"))
        XCTAssertEqual(reader.contigs.map(\.name), ["chr1", "chr2"])
        XCTAssertEqual(reader.contigs.map(\.length), [5_000, 300])
        var back: [TrackRun] = []
        for (index, contig) in reader.contigs.enumerated() {
            back += reader.intervals(contig: contig.name, start: 0, end: contig.length).map {
                TrackRun(contig: index, start: $0.start, end: $0.end, value: $0.value)
            }
        }
        XCTAssertEqual(back, runs)
    }

    func testBigWigReadsZeroNotNaNWhereAZeroRunIs() throws {
        let folder = TemporaryFolder()
        let runs = try writeTracks(in: folder)
        XCTAssertTrue(runs.contains(TrackRun(contig: 1, start: 10, end: 20, value: 0)))
        let reader = try BigWigReader(path: folder.file("t.bw"))
        XCTAssertEqual(reader.intervals(contig: "chr2", start: 10, end: 20).map(\.value), [0])
        for exact in [true, false] {
            let means = try XCTUnwrap(reader.summary(contig: "chr2", start: 0, end: 30, bins: 3, statistic: .mean, exact: exact))
            XCTAssertTrue(means[0].isNaN, "nothing written before base 10")
            XCTAssertEqual(means[1], 0, "zero, not NaN, over the zero run")
            XCTAssertEqual(try XCTUnwrap(reader.summary(contig: "chr2", start: 10, end: 20, bins: 1, statistic: .coverage, exact: exact))[0], 1)
        }
        // The bedGraph line reads 0 as well.
        let line = try runProcess("tabix", [folder.file("t.bedGraph.gz"), "chr2:11-20"]).stdoutText
        XCTAssertEqual(line, "chr2\t10\t20\t0\n")
    }

    func testIndexBuiltWhileWritingIsTabixsOwn() throws {
        let folder = TemporaryFolder()
        // Lines over several BGZF blocks (65,280 bytes of text each) on two contigs, so offsets inside and between
        // blocks and a line cut by a block's end are all exercised.
        let contigs = ContigTable([Contig(name: "chr1", length: 100_000), Contig(name: "chrUn_long_name", length: 60_000)])
        var random = SeededRandom(seed: 21)
        var runs: [TrackRun] = []
        for (index, contig) in contigs.contigs.enumerated() {
            var position = 0
            while true {
                let end = position + 1 + Int(random.next() % 4)
                guard end <= contig.length else { break }
                runs.append(TrackRun(contig: index, start: position, end: end, value: random.uniform(-1, 1)))
                position = end + (random.next() % 9 == 0 ? 3 : 0)
            }
        }
        try write(runs, contigs: contigs, in: folder)
        let text = try runProcess("gzip", ["-dc", folder.file("t.bedGraph.gz")]).stdout
        XCTAssertGreaterThan(text.count, 5 * 65_280)
        let copy = folder.file("copy.bedGraph.gz")
        try FileManager.default.copyItem(atPath: folder.file("t.bedGraph.gz"), toPath: copy)
        let tabix = try runProcess("tabix", ["-f", "-0", "-s", "1", "-b", "2", "-e", "3", "-S", "1", "-c", "#", copy])
        XCTAssertEqual(tabix.status, 0, tabix.stderr)
        let ours = try fileBytes(folder.file("t.bedGraph.gz.tbi")), theirs = try fileBytes(copy + ".tbi")
        XCTAssertFalse(ours.isEmpty)
        XCTAssertEqual(ours, theirs)
    }

    func testBigWigRunsReadBackTheRunsAndTheirCoverage() throws {
        let folder = TemporaryFolder()
        let runs = try writeTracks(in: folder)
        // Read 1,000 bases at a time: runs crossing a span boundary come as two pieces of one value.
        let reader = try BigWigRuns(path: folder.file("t.bw"), contigs: contigs, spanLength: 1_000)
        var read: [TrackRun] = []
        while let run = try reader.next() {
            if let last = read.last, last.contig == run.contig, last.end == run.start, last.value == run.value, run.start % 1_000 == 0 {
                read[read.count - 1].end = run.end
            } else {
                read.append(run)
            }
        }
        XCTAssertEqual(read, runs)
        XCTAssertTrue(runs.contains { $0.start / 1_000 != ($0.end - 1) / 1_000 }, "a run crosses a span boundary")
        let spans = try BigWigRuns.coverage(of: folder.file("t.bw"), contigs: contigs)
        // Every base a run covers is in exactly one span, and spans neither touch nor overlap.
        var expected: [TrackExtent.Span] = []
        for run in runs {
            if let last = expected.last, last.contig == run.contig, last.end == run.start {
                expected[expected.count - 1] = .init(contig: last.contig, start: last.start, end: run.end)
            } else {
                expected.append(.init(contig: run.contig, start: run.start, end: run.end))
            }
        }
        XCTAssertGreaterThan(expected.count, 2)
        XCTAssertEqual(spans, expected)
        XCTAssertEqual(TrackExtent(spans).spans, expected)
        XCTAssertEqual(spans.last, TrackExtent.Span(contig: 1, start: 10, end: 300))
        // Within an extent: what the whole coverage has there.
        let within = TrackExtent([.init(contig: 0, start: 995, end: 2_345), .init(contig: 1, start: 0, end: 15), .init(contig: 1, start: 250, end: 260)])
        let part = try BigWigRuns.coverage(of: folder.file("t.bw"), contigs: contigs, within: within)
        XCTAssertFalse(part.isEmpty)
        XCTAssertEqual(TrackExtent(part), TrackExtent(spans).intersection(within))
    }
}
