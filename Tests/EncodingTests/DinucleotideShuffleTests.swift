import Encoding
import XCTest

final class DinucleotideShuffleTests: XCTestCase {
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11 | state << 53
        }
    }

    func dinucleotides(_ s: [UInt8]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (a, b) in zip(s, s.dropFirst()) { counts[String(decoding: [a, b], as: UTF8.self), default: 0] += 1 }
        return counts
    }

    func testKeepsDinucleotideCountsAndEnds() {
        var random = Seeded(state: 42)
        var changed = 0
        for length in [3, 10, 57, 300] {
            for _ in 0..<20 {
                let s = (0..<length).map { _ in Array("ACGT".utf8)[Int(random.next() % 4)] }
                let t = DinucleotideShuffle.shuffle(s, using: &random)
                XCTAssertEqual(dinucleotides(t), dinucleotides(s))
                XCTAssertEqual(t.first, s.first)
                XCTAssertEqual(t.last, s.last)
                if t != s { changed += 1 }
            }
        }
        XCTAssertGreaterThan(changed, 50, "shuffles actually move bases")
    }

    func testNonACGTStaysInPlaceAndCaseFolds() {
        var random = Seeded(state: 1)
        let s = Array("acgtacgtNNacgtttgca".utf8)
        let t = DinucleotideShuffle.shuffle(s, using: &random)
        XCTAssertEqual(Array(t[8..<10]), Array("NN".utf8))
        XCTAssertEqual(dinucleotides(Array(t[0..<8])), dinucleotides(Array("ACGTACGT".utf8)))
        XCTAssertTrue(t.allSatisfy { !(97...122).contains($0) })
    }

    func testSameSeedSameResult() {
        var a = Seeded(state: 9), b = Seeded(state: 9)
        let s = Array("ACGTTGCAAGCTTCGAACGATCGATCGGGCTA".utf8)
        XCTAssertEqual(DinucleotideShuffle.shuffle(s, using: &a), DinucleotideShuffle.shuffle(s, using: &b))
    }
}
