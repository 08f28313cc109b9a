import Encoding
import XCTest

final class BaseSumsTests: XCTestCase {
    func testSumsTheFourChannelsOfEachPosition() {
        // Two rows of length 3, channel-major: row r, channel c, position i holds 100r + 10c + i.
        var values: [Float] = []
        for r in 0..<2 { for c in 0..<4 { for i in 0..<3 { values.append(Float(100 * r + 10 * c + i)) } } }
        XCTAssertEqual(BaseSums.of(values[12..<24], length: 3), [460, 464, 468])
        XCTAssertEqual(BaseSums.rows(values, length: 3), [[60, 64, 68], [460, 464, 468]])
        XCTAssertEqual(BaseSums.rows([], length: 3), [])
    }
}
