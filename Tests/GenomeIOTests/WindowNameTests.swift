import GenomeIO
import XCTest

/// Window names: 0-based identifiers in files, 1-based samtools regions for people.
final class WindowNameTests: XCTestCase {
    func testDisplayNamesAreOneBasedAndKeepOtherNames() {
        let genome = Window(contig: "chr2R", start: 1_000_000, end: 1_000_300)
        XCTAssertEqual(genome.identifier(contigLength: 21_146_708), "chr2R:1000000-1000300(+)")
        XCTAssertEqual(genome.label, "chr2R:1000000-1000300(+)")
        XCTAssertEqual(genome.displayName, "chr2R:1000001-1000300(+)")
        let suffixed = Window(contig: "chr2R", start: 10, end: 20, strand: .reverse, name: "chr2R:10-20(-)|counts")
        XCTAssertEqual(suffixed.displayName, "chr2R:11-20(-)|counts")
        let read = Window(contig: "chr2R", start: 10, end: 60, name: "read/1")
        XCTAssertEqual(read.displayName, "read/1")
        let record = Window(contig: "seq7", start: 0, end: 200, name: "seq7")
        XCTAssertEqual(record.displayName, "seq7")
        XCTAssertEqual([Character("+"), "-", ".", "x"].map(Strand.init(symbol:)), [.forward, .reverse, .unknown, nil])
    }
}
