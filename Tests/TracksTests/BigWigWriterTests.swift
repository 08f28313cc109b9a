import Foundation
import GenomeIO
import TestSupport
@testable import Tracks
import XCTest

/// Our streaming bigWig writer, read back through libBigWig (an independent implementation of the format): intervals,
/// indexes deeper than one node, zoom summaries against the full data, many contigs, and an empty track.
final class BigWigWriterTests: XCTestCase {
    private func write(_ runs: [TrackRun], contigs: ContigTable, in folder: TemporaryFolder) throws -> BigWigReader {
        let writer = try BigWigWriter(path: folder.file("t.bw"), contigs: contigs)
        for run in runs { try writer.write(run) }
        try writer.finish()
        return try BigWigReader(path: folder.file("t.bw"))
    }

    /// Runs of 1–6 bases with gaps of 0–3, values in [−1, 1], over each contig.
    private func randomRuns(_ contigs: ContigTable, seed: UInt64) -> [TrackRun] {
        var random = SeededRandom(seed: seed)
        var runs: [TrackRun] = []
        for (index, contig) in contigs.contigs.enumerated() {
            var position = Int(random.next() % 50)
            while true {
                let end = position + 1 + Int(random.next() % 6)
                guard end <= contig.length else { break }
                runs.append(TrackRun(contig: index, start: position, end: end, value: random.uniform(-1, 1)))
                position = end + Int(random.next() % 4)
            }
        }
        return runs
    }

    func testManyBlocksReadBackWithRegionQueries() throws {
        // 3 contigs, about 480,000 runs: over 256 blocks on chr1, so its index has inner nodes.
        let contigs = ContigTable([Contig(name: "chr1", length: 1_500_000), Contig(name: "chrM", length: 20_000),
                                   Contig(name: "chr2", length: 400_000)])
        let runs = randomRuns(contigs, seed: 11)
        XCTAssertGreaterThan(runs.filter { $0.contig == 0 }.count, 257 * BigWigFormat.itemsPerBlock)
        let folder = TemporaryFolder()
        let reader = try write(runs, contigs: contigs, in: folder)
        XCTAssertEqual(reader.contigs.map(\.name), ["chr1", "chrM", "chr2"])
        XCTAssertEqual(reader.contigs.map(\.length), [1_500_000, 20_000, 400_000])
        for (index, contig) in contigs.contigs.enumerated() {
            let back = reader.intervals(contig: contig.name, start: 0, end: contig.length)
            let expected = runs.filter { $0.contig == index }
            XCTAssertEqual(back.count, expected.count, contig.name)
            XCTAssertTrue(zip(back, expected).allSatisfy { $0.start == $1.start && $0.end == $1.end && $0.value == $1.value }, contig.name)
        }
        var random = SeededRandom(seed: 3)
        for _ in 0..<50 {
            let start = Int(random.next() % 1_490_000), end = start + 1 + Int(random.next() % 10_000)
            let back = reader.intervals(contig: "chr1", start: start, end: end).map { TrackRun(contig: 0, start: $0.start, end: $0.end, value: $0.value) }
            XCTAssertEqual(back, runs.filter { $0.contig == 0 && $0.end > start && $0.start < end }, "chr1:\(start)-\(end)")
        }
    }

    func testZoomSummariesEqualTheFullData() throws {
        let contigs = ContigTable([Contig(name: "chrA", length: 3_000_000), Contig(name: "chrB", length: 700_000)])
        // Mean run width 3.5 (first block), so the zoom ladder starts at 16 × 3 = 48 bases.
        let runs = randomRuns(contigs, seed: 7)
        let folder = TemporaryFolder()
        let reader = try write(runs, contigs: contigs, in: folder)
        let reductions = reader.zoomReductions
        XCTAssertEqual(Array(reductions.prefix(3)), [48, 192, 768])
        XCTAssertEqual(reductions.count, 8)  // 48 · 4^7 = 786,432 > 700,000 but ≤ 3,000,000; 48 · 4^8 > 3,000,000
        for reduction in reductions {
            // Bins of twice a level's width, aligned to its bins, are read from that level and cover whole zoom bins.
            let width = 2 * reduction
            for contig in contigs.contigs {
                let bins = min(200, contig.length / width), end = bins * width
                guard bins > 0 else { continue }
                for statistic in [BigWigReader.Statistic.mean, .maximum, .minimum, .coverage] {
                    let zoom = try XCTUnwrap(reader.summary(contig: contig.name, start: 0, end: end, bins: bins, statistic: statistic))
                    let full = try XCTUnwrap(reader.summary(contig: contig.name, start: 0, end: end, bins: bins, statistic: statistic, exact: true))
                    XCTAssertEqual(zoom.count, bins, "\(contig.name) \(statistic) at \(width) bp")
                    XCTAssertEqual(full.count, bins, "\(contig.name) \(statistic) at \(width) bp")
                    for (z, f) in zip(zoom, full) {
                        XCTAssertEqual(z, f, accuracy: 2e-5 * max(1, abs(f)), "\(contig.name) \(statistic) at \(width) bp")
                    }
                }
            }
        }
    }

    func testManyContigsNeedADeeperContigTree() throws {
        // 70,000 contigs, as in a draft assembly: a contig tree of three levels (256 keys per node), names out of
        // sorted order; ids stay in index order.
        let count = 70_000
        let contigs = ContigTable((0..<count).map { Contig(name: "scaffold_\(($0 * 37) % count)", length: 1_000 + $0) })
        let runs = [TrackRun(contig: 5, start: 10, end: 20, value: 1), TrackRun(contig: 699, start: 0, end: 1_699, value: -2)]
        let folder = TemporaryFolder()
        let reader = try write(runs, contigs: contigs, in: folder)
        XCTAssertEqual(reader.contigs.map(\.name), contigs.contigs.map(\.name))
        XCTAssertEqual(reader.contigs.map(\.length), contigs.contigs.map(\.length))
        XCTAssertEqual(reader.intervals(contig: contigs[5].name, start: 0, end: 100).map(\.value), [1])
        XCTAssertEqual(reader.intervals(contig: contigs[699].name, start: 0, end: 1_699).map(\.end), [1_699])
        XCTAssertTrue(reader.intervals(contig: contigs[6].name, start: 0, end: 1_006).isEmpty)
    }

    func testEmptyTrackIsAValidFile() throws {
        let contigs = ContigTable([Contig(name: "chr1", length: 5_000)])
        let folder = TemporaryFolder()
        let reader = try write([], contigs: contigs, in: folder)
        XCTAssertEqual(reader.contigs.map(\.name), ["chr1"])
        XCTAssertTrue(reader.intervals(contig: "chr1", start: 0, end: 5_000).isEmpty)
        XCTAssertEqual(reader.zoomReductions, [])
    }

    func testTreeShapeCoversEveryItemOnce() {
        let shape = TreeShape(items: 70_000, fanout: 256)
        XCTAssertEqual(shape.levels, [1, 2, 274])
        for level in 0..<shape.leafLevel {
            for node in 0..<shape.levels[level] {
                let children = shape.children(ofNode: node, atLevel: level)
                let covered = children.map { shape.items(ofNode: $0, atLevel: level + 1) }
                XCTAssertEqual(covered.first?.lowerBound, shape.items(ofNode: node, atLevel: level).lowerBound)
                XCTAssertEqual(covered.last?.upperBound, shape.items(ofNode: node, atLevel: level).upperBound)
                XCTAssertTrue(zip(covered, covered.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
        XCTAssertEqual(shape.items(ofNode: 273, atLevel: 2), 69_888..<70_000)
        XCTAssertEqual(TreeShape(items: 0, fanout: 256).levels, [1])
        XCTAssertEqual(TreeShape(items: 256, fanout: 256).levels, [1])
        XCTAssertEqual(TreeShape(items: 257, fanout: 256).levels, [1, 2])
    }

    func testScratchFilesDoNotStayBehind() throws {
        let contigs = ContigTable([Contig(name: "chr1", length: 100_000)])
        let folder = TemporaryFolder()
        _ = try write(randomRuns(contigs, seed: 1), contigs: contigs, in: folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["t.bw"])
    }
}
