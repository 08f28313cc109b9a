@testable import Motifs
import TestSupport
import XCTest

/// The TOMTOM-like comparison against the shipped JASPAR insects database.
final class MotifComparisonTests: XCTestCase {
    static let database = try! MEMEFile.read(path: Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"))

    func testADatabaseMotifMatchesItselfBestOnBothStrands() throws {
        let comparison = MotifComparison(database: Self.database)
        for id in ["MA0085.2", "MA0452.3", "MA1459.2", "MA0049.1"] {
            let motif = Self.database.first { $0.id == id }!
            for (query, strand) in [(motif, Character("+")), (motif.reverseComplement, "-")] {
                let matches = comparison.compare(query).sorted { $0.pValue < $1.pValue }
                XCTAssertEqual(Self.database[matches[0].target].id, id)
                XCTAssertEqual(matches[0].strand, strand)
                XCTAssertEqual(matches[0].offset, 0)
                XCTAssertLessThan(matches[0].qValue, 0.01, id)
            }
        }
    }

    func testATrimmedNoisyCopyStillMatches() throws {
        // Su(H)'s columns 2–9 with a fifth of each column moved to uniform: offset 1 into the database motif.
        let suh = Self.database.first { $0.id == "MA0085.2" }!
        let noisy = Motif(id: "q", columns: suh.columns[1..<9].map { $0.map { 0.8 * $0 + 0.05 } })
        let best = MotifComparison(database: Self.database).compare(noisy).min { $0.pValue < $1.pValue }!
        XCTAssertEqual(Self.database[best.target].id, "MA0085.2")
        XCTAssertEqual(best.offset, 1)
    }

    func testRandomMatricesRarelyMatch() {
        var random = SeededGenerator(seed: 8)
        let comparison = MotifComparison(database: Self.database)
        var significant = 0
        for k in 0..<20 {
            let columns = (0..<10).map { _ -> [Double] in
                let raw = (0..<4).map { _ in Double(random.uniform(0.05, 1)) }
                return raw.map { $0 / raw.reduce(0, +) }
            }
            significant += comparison.compare(Motif(id: "r\(k)", columns: columns)).filter { $0.qValue < 0.05 }.isEmpty ? 0 : 1
        }
        XCTAssertLessThanOrEqual(significant, 2)
    }

    func testBenjaminiHochbergAgainstTheDefinition() {
        let p = [0.01, 0.04, 0.03, 0.5, 0.002, 0.2]
        let q = BenjaminiHochberg.qValues(p)
        // q_i = min over ranks k ≥ rank(i) of p_(k) · m / k.
        let sorted = p.sorted()
        for (i, value) in p.enumerated() {
            let rank = sorted.firstIndex(of: value)!
            let expected = (rank..<p.count).map { sorted[$0] * 6 / Double($0 + 1) }.min()!
            XCTAssertEqual(q[i], min(1, expected), accuracy: 1e-12)
        }
    }
}
