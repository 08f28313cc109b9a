import GenomeIO
@testable import Motifs
import TestSupport
import XCTest

/// Clustering seqlets of two planted motifs, on both strands, into two motifs.
final class SeqletClusteringTests: XCTestCase {
    func testTwoMotifsOnBothStrandsMakeTwoClusters() throws {
        let motifs = [Motif(id: "m1", columns: "TGTGGGAA".map(Self.column)), Motif(id: "m2", columns: "AAGGGTTA".map(Self.column))]
        var random = SeededGenerator(seed: 11)
        let length = 60, rows = 80
        var oneHot = [Float](repeating: 0, count: rows * 4 * length)
        var relevance = oneHot
        var truth: [(motif: Int, reverse: Bool)] = []
        for r in 0..<rows {
            var bases = (0..<length).map { _ in UInt8(random.next() % 4) }
            let m = r % 2, reverse = r % 3 == 0
            let site = MotifPlanting.sample(motifs[m], reverse: reverse, using: &random)
            for (k, b) in site.enumerated() { bases[24 + k] = UInt8(Array("ACGT".utf8).firstIndex(of: b)!) }
            for i in 0..<length {
                oneHot[r * 4 * length + Int(bases[i]) * length + i] = 1
                if (24..<32).contains(i) { relevance[r * 4 * length + Int(bases[i]) * length + i] = random.uniform(0.5, 1) }
            }
            truth.append((m, reverse))
        }
        let places = (0..<rows).map { Window(contig: "s\($0)", start: 0, end: length, strand: .forward, name: "s\($0)") }
        let data = try ExplainedWindows(length: length, oneHot: oneHot, relevance: relevance, places: places)
        let seqlets = (0..<rows).map { Seqlet(row: $0, coreStart: 22, coreEnd: 34, start: 16, end: 40, sign: .positive, score: 5) }
        let clusters = SeqletClustering().cluster(seqlets, in: data)
        XCTAssertEqual(clusters.count, 2)
        for cluster in clusters {
            let kinds = Set(cluster.members.map { truth[$0.seqlet].motif })
            XCTAssertEqual(kinds.count, 1, "a cluster mixes motifs")
            // Both orientations of the planted motif are in one cluster, aligned by flipping one of them.
            let flips = Set(cluster.members.map { truth[$0.seqlet].reverse != $0.reverse })
            XCTAssertEqual(flips.count, 1)
            let motif = try XCTUnwrap(DiscoveredMotif(id: "x", cluster: cluster))
            let consensus = flips.first! ? motif.pfm.reverseComplement.consensus : motif.pfm.consensus
            XCTAssertTrue(consensus.uppercased().contains(kinds.first! == 0 ? "TGTGGGAA" : "AAGGGTTA"), consensus)
        }
        XCTAssertEqual(clusters.reduce(0) { $0 + $1.members.count }, rows)
    }

    private static func column(_ letter: Character) -> [Double] {
        let i = Array("ACGT").firstIndex(of: letter)!
        return (0..<4).map { $0 == i ? 0.91 : 0.03 }
    }
}
