@testable import Tracks
import XCTest

final class BED9Tests: XCTestCase {
    func testLineClampsScoreAndThickPart() {
        let record = BED9(contig: "chr2R", start: 100, end: 120, name: "pos_1", score: 1400, strand: "-",
                          thickStart: 90, thickEnd: 130, rgb: (200, 40, 40))
        XCTAssertEqual(record.line, "chr2R\t100\t120\tpos_1\t1000\t-\t100\t120\t200,40,40\n")
        var inside = record
        (inside.score, inside.thickStart, inside.thickEnd) = (-3, 104, 110)
        XCTAssertEqual(inside.line, "chr2R\t100\t120\tpos_1\t0\t-\t104\t110\t200,40,40\n")
    }
}
