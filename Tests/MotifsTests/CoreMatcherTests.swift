import Foundation
import Model
@testable import Motifs
import TestSupport
import XCTest

/// The core matcher against `MotifComparison` on the matrices it stands for.
final class CoreMatcherTests: XCTestCase {
    func testEqualsTheComparisonOfTheMatrixBitForBit() throws {
        let database = try MEMEFile.read(path: Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"))
        XCTAssertGreaterThan(database.count, 100)
        let matcher = CoreMatcher(database: database)
        let comparison = MotifComparison(database: database)
        var random = SeededRandom(seed: 3)
        var compared = 0
        for width in [3, 8, 12, 12, 12, 20] {
            for _ in 0..<4 {
                // Mostly bases, sometimes an N (code 4, or any code above it).
                let codes = (0..<width).map { _ -> UInt8 in random.next() % 13 == 0 ? UInt8(4 + random.next() % 3) : UInt8(random.next() % 4) }
                let matrix = Motif(id: "q", columns: codes.map { CoreMatcher.column(Int(min($0, 4))) })
                let fast = matcher.compare(codes: codes[...]), slow = comparison.compare(matrix)
                let top = try XCTUnwrap(matcher.best(codes: codes[...]))
                let first = try XCTUnwrap(slow.min(by: { $0.pValue < $1.pValue }))
                XCTAssertEqual(top.target, first.target)
                XCTAssertEqual(top.pValue.bitPattern, first.pValue.bitPattern)
                XCTAssertEqual(top.qValue, first.qValue, accuracy: 1e-15 * max(1, first.qValue))
                XCTAssertEqual(fast.count, database.count)
                XCTAssertEqual(fast.count, slow.count)
                for (a, b) in zip(fast, slow) {
                    XCTAssertEqual(a.target, b.target)
                    XCTAssertEqual(a.pValue.bitPattern, b.pValue.bitPattern, "\(codes) vs \(database[a.target].id)")
                    XCTAssertEqual(a.qValue.bitPattern, b.qValue.bitPattern)
                    XCTAssertEqual(a.score.bitPattern, b.score.bitPattern)
                    XCTAssertEqual(a.offset, b.offset)
                    XCTAssertEqual(a.strand, b.strand)
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 24 * database.count)
    }
}

/// The seqlet caller's radix sort against the standard library's.
final class RadixSortTests: XCTestCase {
    func testSortsLikeTheStandardLibrary() {
        var random = SeededRandom(seed: 11)
        for count in [0, 1, 2, 17, 5000] {
            let values = (0..<count).map { i -> Float in
                switch i % 5 {
                case 0: return 0
                case 1: return -Float(random.next() % 1000) / 7
                case 2: return Float(random.next() % 100_000) * 1e-9
                case 3: return Float(bitPattern: UInt32(truncatingIfNeeded: random.next()) & 0x7F7F_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
                default: return -0.0
                }
            }
            let sorted = radixSorted(values)
            XCTAssertEqual(sorted.count, count)
            XCTAssertEqual(sorted, values.sorted(), "\(count) values")
        }
    }
}
