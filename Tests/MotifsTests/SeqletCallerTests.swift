import GenomeIO
@testable import Motifs
import TestSupport
import XCTest

/// Seqlet calling on synthetic relevance with known clusters.
final class SeqletCallerTests: XCTestCase {
    /// Rows of noise with a block of strong relevance at known places (positive in even rows, negative in row 3);
    /// `secondBlock` plants another in even rows, 4 bases after the first ends (before it when the first lies late), unrecorded.
    private func data(rows: Int = 40, length: Int = 100, secondBlock: Bool = false) throws -> (ExplainedWindows, [Int: Int]) {
        var random = SeededGenerator(seed: 4)
        var relevance = [Float](repeating: 0, count: rows * 4 * length)
        var oneHot = [Float](repeating: 0, count: rows * 4 * length)
        var planted: [Int: Int] = [:]
        for r in 0..<rows {
            for i in 0..<length {
                let base = Int(random.next() % 4)
                oneHot[r * 4 * length + base * length + i] = 1
                // Sparse noise, as after pruning: most bases exactly zero.
                if random.next() % 4 == 0 { relevance[r * 4 * length + base * length + i] = random.uniform(-0.3, 0.3) }
            }
            if r % 2 == 0 || r == 3 {
                let start = 10 + Int(random.next() % 70)
                planted[r] = start
                for i in start..<(start + 10) {
                    let base = (0..<4).first { oneHot[r * 4 * length + $0 * length + i] == 1 }!
                    relevance[r * 4 * length + base * length + i] = (r == 3 ? -1 : 1) * random.uniform(0.8, 1.2)
                }
                if secondBlock, r % 2 == 0 {
                    let second = start < 45 ? start + 14 : start - 14
                    for i in second..<(second + 10) {
                        let base = (0..<4).first { oneHot[r * 4 * length + $0 * length + i] == 1 }!
                        relevance[r * 4 * length + base * length + i] = random.uniform(0.8, 1.2)
                    }
                }
            }
        }
        let places = (0..<rows).map { Window(contig: "s\($0)", start: 0, end: length, strand: .forward, name: "s\($0)") }
        return (try ExplainedWindows(length: length, oneHot: oneHot, relevance: relevance, places: places), planted)
    }

    func testFindsThePlantedBlocksAndLittleElse() throws {
        let (windows, planted) = try data()
        var caller = SeqletCaller()
        caller.negatives = .everywhere
        let result = caller.call(windows)
        for (row, start) in planted {
            let sign: Seqlet.Sign = row == 3 ? .negative : .positive
            let hits = result.seqlets.filter { $0.row == row && $0.sign == sign && $0.coreStart < start + 10 && start < $0.coreEnd }
            XCTAssertEqual(hits.count, 1, "row \(row)")
            if let hit = hits.first {
                XCTAssertLessThanOrEqual(abs(hit.coreStart - (start - 1)), 2, "core placed on the block")
                XCTAssertEqual(hit.start, max(0, hit.coreStart - 6))
                XCTAssertEqual(hit.end, min(100, hit.coreEnd + 6))
            }
        }
        let stray = result.seqlets.filter { planted[$0.row] == nil }
        XCTAssertLessThanOrEqual(stray.count, 1, "noise rows: \(stray)")
        XCTAssertTrue(result.thresholds[.positive]!.isFinite)
    }

    func testCoresNeverOverlapAndZeroRelevanceGivesNothing() throws {
        // Two blocks 4 bases apart: windows over both pass, so the greedy choice has overlapping cores to drop.
        let (windows, _) = try data(secondBlock: true)
        let result = SeqletCaller().call(windows)
        var pairs = 0
        for row in 0..<windows.count {
            let cores = result.seqlets.filter { $0.row == row && $0.sign == .positive }.sorted { $0.coreStart < $1.coreStart }
            for (a, b) in zip(cores, cores.dropFirst()) { XCTAssertLessThanOrEqual(a.coreEnd, b.coreStart); pairs += 1 }
        }
        XCTAssertGreaterThan(pairs, 0, "no row with two cores to compare")
        let zero = try ExplainedWindows(length: 50, oneHot: .init(repeating: 0.25, count: 400),
                                        relevance: .init(repeating: 0, count: 400),
                                        places: [.init(contig: "a", start: 0, end: 50, strand: .forward, name: "a"),
                                                 .init(contig: "b", start: 0, end: 50, strand: .forward, name: "b")])
        XCTAssertTrue(SeqletCaller().call(zero).seqlets.isEmpty)
    }

    func testNegativeSeqletsOnlyWhereTheOutputIsOn() throws {
        // Row 3's negative block has no positive seqlet beside it: the output is off there, so nothing is called.
        let (windows, planted) = try data()
        let off = SeqletCaller().call(windows)
        XCTAssertFalse(off.seqlets.contains { $0.row == 3 }, "\(off.seqlets.filter { $0.row == 3 })")
        XCTAssertTrue(off.seqlets.allSatisfy { $0.sign == .positive || planted[$0.row] != nil })
        // The same negative block beside a positive one is called.
        let length = windows.length
        var relevance = windows.relevance
        let r = 3, o = r * 4 * length, start = planted[r]!
        let positive = start < 45 ? 80 : 0  // clear of the negative block
        for i in positive..<(positive + 10) {
            let base = windows.base(row: r, column: i)!
            relevance[o + base * length + i] = 3
        }
        let on = try ExplainedWindows(length: length, oneHot: windows.oneHot, relevance: relevance, places: windows.places)
        XCTAssertGreaterThan(on.baseScores(row: r).reduce(0, +), 0)
        let result = SeqletCaller().call(on)
        XCTAssertTrue(result.seqlets.contains { $0.row == r && $0.sign == .positive && $0.coreStart < positive + 10 && positive < $0.coreEnd })
        XCTAssertEqual(result.seqlets.filter { $0.row == r && $0.sign == .negative && $0.coreStart < start + 10 && start < $0.coreEnd }.count, 1)
        var none = SeqletCaller()
        none.negatives = .none
        XCTAssertTrue(none.call(on).seqlets.allSatisfy { $0.sign == .positive })
        // One per-base vector is one row.
        let track = on.baseScores(row: r)
        XCTAssertEqual(SeqletCaller().call(track: track).seqlets.filter { $0.sign == .positive }.map(\.coreStart),
                       SeqletCaller().call(scores: [track], length: length).seqlets.filter { $0.sign == .positive }.map(\.coreStart))
    }

    func testWindowSumsMatchABruteForceSum() {
        var random = SeededGenerator(seed: 2)
        let values = (0..<57).map { _ in random.uniform(-1, 1) }
        let sums = SeqletCaller.windowSums(values, width: 7)
        XCTAssertEqual(sums.count, 51)
        for i in sums.indices { XCTAssertEqual(sums[i], values[i..<(i + 7)].reduce(0, +), accuracy: 1e-5) }
    }
}
