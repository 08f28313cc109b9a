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
        runs.append(TrackRun(contig: 1, start: 10, end: 300, value: 0.5))
        let bedGraph = try BedGraphWriter(path: folder.file("t.bedGraph.gz"), indexPath: folder.file("t.bedGraph.gz.tbi"),
                                          contigs: contigs, trackLine: BedGraphWriter.trackLine(name: "t", description: "test"))
        let bigWig = try BigWigWriter(path: folder.file("t.bw"), contigs: contigs)
        for run in runs {
            try bedGraph.write(run)
            try bigWig.write(run)
        }
        try bedGraph.finish()
        try bigWig.finish()
        return runs
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
}
