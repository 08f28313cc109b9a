import GenomeIO
@testable import Motifs
import TestSupport
import XCTest

/// With hypothetical contributions, a motif's CWM is their mean (TF-MoDISco's CWM): every base of a column has a value,
/// not only the bases the seqlets hold.
final class HypotheticalCWMTests: XCTestCase {
    func testTheCWMIsTheMeanHypotheticalContribution() throws {
        let site = Array("TGTGGGAA")
        var random = SeededGenerator(seed: 5)
        let length = 40, rows = 30
        var oneHot = [Float](repeating: 0, count: rows * 4 * length)
        var relevance = oneHot, hypothetical = oneHot
        for r in 0..<rows {
            for i in 0..<length {
                let base = (16..<24).contains(i) ? Array("ACGT").firstIndex(of: site[i - 16])! : Int(random.next() % 4)
                oneHot[r * 4 * length + base * length + i] = 1
                guard (16..<24).contains(i) else { continue }
                relevance[r * 4 * length + base * length + i] = 1
                // What each other base would have contributed there: a quarter.
                for c in 0..<4 { hypothetical[r * 4 * length + c * length + i] = c == base ? 1 : 0.25 }
            }
        }
        let places = (0..<rows).map { Window(contig: "s\($0)", start: 0, end: length, strand: .forward, name: "s\($0)") }
        let seqlets = (0..<rows).map { Seqlet(row: $0, coreStart: 14, coreEnd: 26, start: 8, end: 32, sign: .positive, score: 8) }
        var clustering = SeqletClustering()
        clustering.minSeqlets = 5
        for withHypothetical in [false, true] {
            let data = try ExplainedWindows(length: length, oneHot: oneHot, relevance: relevance, places: places,
                                            hypothetical: withHypothetical ? hypothetical : nil)
            let clusters = clustering.cluster(seqlets, in: data)
            XCTAssertEqual(clusters.count, 1)
            let motif = try XCTUnwrap(clusters.first.flatMap { DiscoveredMotif(id: "m", cluster: $0) })
            XCTAssertEqual(motif.hypothetical, withHypothetical)
            XCTAssertEqual(motif.cwm.width, 8, "trimmed to the site")
            for column in motif.cwm.columns {
                XCTAssertEqual(column.max()!, 1, accuracy: 1e-6)
                XCTAssertEqual(column.min()!, withHypothetical ? 0.25 : 0, accuracy: 1e-6)
            }
        }
    }
}
