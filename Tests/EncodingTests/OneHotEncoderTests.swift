import Encoding
import XCTest

final class OneHotEncoderTests: XCTestCase {
    func encode(_ text: String, policy: IUPACPolicy = .zero) -> (OneHotBatch, Int?) {
        var values: [Float] = []
        let bases = Array(text.utf8)
        let bad = OneHotEncoder(policy: policy).encode(bases, count: 1, length: bases.count, appendingTo: &values)
        return (OneHotBatch(count: 1, length: bases.count, values: values), bad)
    }

    func columns(_ batch: OneHotBatch) -> [[Float]] {
        (0..<batch.length).map { i in (0..<4).map { batch[0, $0, i] } }
    }

    func testChannelOrderIsACGTAndLowercaseEqualsUppercase() {
        let (upper, bad) = encode("ACGTU")
        XCTAssertNil(bad)
        XCTAssertEqual(columns(upper), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1]])
        XCTAssertEqual(encode("acgtu").0, upper)
    }

    func testLayoutIsChannelMajorPerWindow() {
        var values: [Float] = []
        OneHotEncoder().encode(Array("ACGT".utf8) + Array("TTAA".utf8), count: 2, length: 4, appendingTo: &values)
        XCTAssertEqual(values, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                                0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0])
    }

    func testAmbiguityCodesAreZeroByDefault() {
        let (batch, bad) = encode("NRYSWKMBDHVnr")
        XCTAssertNil(bad)
        XCTAssertTrue(batch.values.allSatisfy { $0 == 0 })
    }

    func testFractionalSpreadsAmbiguity() {
        let (batch, bad) = encode("RYNBn", policy: .fractional)
        XCTAssertNil(bad)
        let third: Float = 1.0 / 3.0
        XCTAssertEqual(columns(batch), [[0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [0.25, 0.25, 0.25, 0.25],
                                        [0, third, third, third], [0.25, 0.25, 0.25, 0.25]])
        let (plain, _) = encode("ACGT", policy: .fractional)
        XCTAssertEqual(plain, encode("ACGT").0)
    }

    func testEveryColumnSumsToOneOrZero() {
        for policy in IUPACPolicy.allCases {
            let (batch, _) = encode("ACGTNRYSWKMBDHV-acgtnryswkmbdhv", policy: policy)
            for column in columns(batch) {
                let sum = column.reduce(0, +)
                XCTAssertTrue(abs(sum - 1) < 1e-6 || sum == 0, "\(column)")
            }
        }
    }

    func testInvalidCharacterIsReportedByOffset() {
        XCTAssertEqual(encode("ACGTXAC").1, 4)
        XCTAssertEqual(encode("AC1T").1, 2)
        XCTAssertEqual(encode("ACGT-").1, nil)
        XCTAssertEqual(encode("AC T", policy: .fractional).1, 2)
    }

    func testAppendsAfterExistingValues() {
        var values: [Float] = [7]
        OneHotEncoder().encode(Array("A".utf8), count: 1, length: 1, appendingTo: &values)
        XCTAssertEqual(values, [7, 1, 0, 0, 0])
    }
}

final class OneHotBatchTests: XCTestCase {
    func batch(_ texts: [String], policy: IUPACPolicy = .zero) -> OneHotBatch {
        var values: [Float] = []
        let length = texts[0].count
        OneHotEncoder(policy: policy).encode(Array(texts.joined().utf8), count: texts.count, length: length, appendingTo: &values)
        return OneHotBatch(count: texts.count, length: length, values: values)
    }

    func testReverseComplementMatchesStringReverseComplement() {
        let complement: [Character: Character] = ["A": "T", "C": "G", "G": "C", "T": "A", "N": "N"]
        let texts = ["ACCGTTNA", "GGGATCCA"]
        let rc = batch(texts).reverseComplemented()
        for (i, text) in texts.enumerated() {
            XCTAssertEqual(rc.decode(window: i), String(text.reversed().map { complement[$0]! }))
        }
    }

    func testReverseComplementIsAnInvolutionAndKeepsFractions() {
        let b = batch(["RYKMACGTN"], policy: .fractional)
        XCTAssertEqual(b.reverseComplemented().reverseComplemented(), b)
        // R (A/G) becomes Y (C/T) at the mirrored position.
        XCTAssertEqual(b.reverseComplemented()[0, 1, 8], 0.5)
        XCTAssertEqual(b.reverseComplemented()[0, 3, 8], 0.5)
    }

    func testDecodeMarksAmbiguityAsN() {
        XCTAssertEqual(batch(["acgtRN"]).decode(window: 0), "ACGTNN")
    }
}
