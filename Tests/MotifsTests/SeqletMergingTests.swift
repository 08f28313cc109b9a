import GenomeIO
@testable import Motifs
import TestSupport
import XCTest

/// One site seen by two overlapping genome windows is one seqlet; a sign conflict between them goes the aggregate's way.
final class SeqletMergingTests: XCTestCase {
    /// `rows` genome windows of 100 bp every 50 bp on chr1 from 1000, sparse noise, and a strong block at 1070-1080
    /// seen by window 0 (its columns 70-80) and window 1 (its columns 20-30); `flipped` makes the block negative and
    /// weaker in window 1.
    private func windows(rows: Int = 40, flipped: Bool = false) throws -> ExplainedWindows {
        var random = SeededGenerator(seed: 9)
        let length = 100
        var oneHot = [Float](repeating: 0, count: rows * 4 * length)
        var relevance = oneHot
        let genome = (0..<(rows * 50 + 50)).map { _ in Int(random.next() % 4) }
        for r in 0..<rows {
            for i in 0..<length {
                let base = genome[r * 50 + i]
                oneHot[r * 4 * length + base * length + i] = 1
                if random.next() % 4 == 0 { relevance[r * 4 * length + base * length + i] = random.uniform(-0.2, 0.2) }
                let x = 1000 + r * 50 + i
                if (1070..<1080).contains(x) && r <= 1 {
                    let value: Float = flipped && r == 1 ? -random.uniform(0.3, 0.4) : random.uniform(0.8, 1.2)
                    relevance[r * 4 * length + base * length + i] = value
                }
            }
        }
        let places = (0..<rows).map { r in
            Window(contig: "chr1", start: 1000 + r * 50, end: 1100 + r * 50, strand: .forward, name: "chr1:\(1000 + r * 50)-\(1100 + r * 50)(+)")
        }
        return try ExplainedWindows(length: length, oneHot: oneHot, relevance: relevance, places: places)
    }

    func testOneSiteInTwoWindowsIsOneSeqlet() throws {
        let data = try windows()
        var caller = SeqletCaller()
        caller.negatives = .none
        let raw = caller.call(data).seqlets.filter { $0.sign == .positive }
        let sightings = raw.filter { data.places[$0.row].start + $0.coreStart < 1080 && data.places[$0.row].start + $0.coreEnd > 1070 }
        XCTAssertEqual(Set(sightings.map(\.row)), [0, 1], "the caller sees the site in both windows: \(raw)")
        let merged = SeqletMerging.merge(raw, places: data.places, scores: data.baseScores(row:))
        let sites = merged.seqlets.filter { data.places[$0.row].start + $0.coreStart < 1080 && data.places[$0.row].start + $0.coreEnd > 1070 }
        XCTAssertEqual(sites.count, 1)
        XCTAssertEqual(sites.first?.windows, 2)
        XCTAssertEqual(merged.merged, raw.count - merged.seqlets.count)
        XCTAssertGreaterThanOrEqual(merged.merged, 1)
        XCTAssertEqual(merged.conflicts, 0)
        // The whole discovery counts and writes the site once.
        let result = MotifDiscovery().run(data, comparison: nil)
        let bed = MotifOutputs.seqletsBED(result, data: data, header: [])
        let lines = bed.split(separator: "\n").filter { line in
            let f = line.split(separator: "\t")
            return Int(f[6])! < 1080 && Int(f[7])! > 1070
        }
        XCTAssertEqual(lines.count, 1, bed)
    }

    func testASignConflictGoesTheAggregatesWay() throws {
        let data = try windows(flipped: true)
        // The site seen positive in window 0 and negative (weaker) in window 1.
        let seqlets = [Seqlet(row: 0, coreStart: 68, coreEnd: 80, start: 62, end: 86, sign: .positive, score: 10),
                       Seqlet(row: 1, coreStart: 19, coreEnd: 31, start: 13, end: 37, sign: .negative, score: 3),
                       Seqlet(row: 5, coreStart: 40, coreEnd: 52, start: 34, end: 58, sign: .positive, score: 4)]
        let merged = SeqletMerging.merge(seqlets, places: data.places, scores: data.baseScores(row:))
        XCTAssertEqual(merged.seqlets.count, 2)
        XCTAssertEqual(merged.conflicts, 1)
        XCTAssertEqual(merged.merged, 1)
        let site = try XCTUnwrap(merged.seqlets.first { $0.row <= 1 })
        XCTAssertEqual(site.sign, .positive)
        XCTAssertEqual(site.row, 0)
        XCTAssertEqual(site.windows, 2)
        // Its score is the aggregated track over its core: the mean of both windows per base.
        let a = data.baseScores(row: 0), b = data.baseScores(row: 1)
        var expected: Float = 0
        for x in 1068..<1080 {
            let first: Float = a[x - 1000], second: Float = b[x - 1050]
            expected += (first + second) / 2
        }
        XCTAssertEqual(site.score, expected, accuracy: 1e-4)
        XCTAssertEqual(merged.seqlets.first { $0.row == 5 }?.windows, 1)
    }

    func testRowsOfDifferentOutputsOrSequencesAreNeverMerged() {
        let places = [Window(contig: "s1", start: 0, end: 50, strand: .forward, name: "s1|A"),
                      Window(contig: "s1", start: 0, end: 50, strand: .forward, name: "s1|B"),
                      Window(contig: "s2", start: 0, end: 50, strand: .forward, name: "s2|A")]
        let seqlets = (0..<3).map { Seqlet(row: $0, coreStart: 10, coreEnd: 22, start: 4, end: 28, sign: .positive, score: 5) }
        let merged = SeqletMerging.merge(seqlets, places: places) { _ in [Float](repeating: 1, count: 50) }
        XCTAssertEqual(merged.seqlets, seqlets)
        XCTAssertEqual(merged.merged, 0)
    }
}
