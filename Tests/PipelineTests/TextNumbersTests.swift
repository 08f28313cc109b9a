import Foundation
@testable import Pipeline
import TestSupport
import XCTest

/// The query's number formatting is printf's and JSONSerialization's, byte for byte.
final class TextNumbersTests: XCTestCase {
    func testSixSignificantDigitsArePrintfs() {
        var random = SeededRandom(seed: 3)
        var values: [Float] = [0, -0.0, 1, -1, 0.5, 1e-4, 9.99999e-5, 0.0001, 999999, 999999.5, 1e6, 123456.5, 100000.5, 0.1,
                               .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1.0000005, 2.5e-5, -0.00012345675]
        values += (0..<200_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }.filter(\.isFinite)
        values += (0..<200_000).map { _ in Float(Int64(bitPattern: random.next()) % 1_000_000) * 1e-7 }
        for value in values {
            XCTAssertEqual(TextNumbers.sixSignificant(value), String(format: "%.6g", value), "\(value.bitPattern)")
        }
    }

    func testJSONNumbersAreJSONSerializations() throws {
        var random = SeededRandom(seed: 4)
        var values: [Double] = [0, -0.0, 1, -3, 1e15, 1e16, 1e-7, 0.1, Double(Float(0.1))]
        values += (0..<20_000).map { _ in Double(Float(Int64(bitPattern: random.next()) % 1_000_000) * 1e-8) }
        let data = try JSONSerialization.data(withJSONObject: values)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[" + values.map(TextNumbers.json).joined(separator: ",") + "]")
    }
}
