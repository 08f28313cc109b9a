import GenomeIO
import XCTest

final class RegionSyntaxTests: XCTestCase {
    let contigs = ContigTable([Contig(name: "chr2R", length: 21_146_708), Contig(name: "HLA:A*01", length: 3_000),
                               Contig(name: "chrM", length: 19_517)])

    func parse(_ text: String) throws -> GenomicRegion { try RegionSyntax.parse(text, contigs: contigs) }

    func testWholeContig() throws {
        XCTAssertEqual(try parse("chr2R"), GenomicRegion(contig: "chr2R", start: 0, end: 21_146_708))
    }

    func testOneBasedInclusiveBecomesZeroBasedHalfOpen() throws {
        XCTAssertEqual(try parse("chr2R:1,000,000-1,002,000"), GenomicRegion(contig: "chr2R", start: 999_999, end: 1_002_000))
        XCTAssertEqual(try parse("chrM:1-1"), GenomicRegion(contig: "chrM", start: 0, end: 1))
    }

    func testOpenEnds() throws {
        XCTAssertEqual(try parse("chrM:19000"), GenomicRegion(contig: "chrM", start: 18_999, end: 19_517))
        XCTAssertEqual(try parse("chrM:19000-"), GenomicRegion(contig: "chrM", start: 18_999, end: 19_517))
        XCTAssertEqual(try parse("chrM:-100"), GenomicRegion(contig: "chrM", start: 0, end: 100))
    }

    func testBracedNamesWithColons() throws {
        XCTAssertEqual(try parse("{HLA:A*01}:11-20"), GenomicRegion(contig: "HLA:A*01", start: 10, end: 20))
        XCTAssertEqual(try parse("{HLA:A*01}"), GenomicRegion(contig: "HLA:A*01", start: 0, end: 3_000))
        XCTAssertEqual(try parse("HLA:A*01"), GenomicRegion(contig: "HLA:A*01", start: 0, end: 3_000))
    }

    func testDescriptionRoundTrips() throws {
        for text in ["chr2R:5-10", "{HLA:A*01}:11-20"] {
            XCTAssertEqual(try parse(text).description, text)
        }
    }

    func testMalformedRegionsAreUsageErrors() {
        for text in ["", "chr2R:", "chr2R:abc-10", "chr2R:10-x", "{chr2R", "{chr2R}x", ":1-10", "chr2R:-", "chr2R:5--9"] {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? GenomeIOError)?.kind, .usage, text)
                XCTAssertTrue("\(error)".contains("malformed region"), "\(text): \(error)")
            }
        }
    }

    func testStartAfterEnd() {
        XCTAssertThrowsError(try parse("chr2R:2000-1000")) { error in
            XCTAssertEqual((error as? GenomeIOError)?.kind, .usage)
            XCTAssertTrue("\(error)".contains("start 2000 is after end 1000"), "\(error)")
        }
    }

    func testUnknownContigNamesIt() {
        XCTAssertThrowsError(try parse("chr3L:1-100")) { error in
            XCTAssertEqual((error as? GenomeIOError)?.kind, .data)
            XCTAssertTrue("\(error)".contains("unknown contig 'chr3L'"), "\(error)")
        }
    }

    func testValidationAgainstContigLengths() throws {
        let past = GenomicRegion(contig: "chrM", start: 19_000, end: 25_000)
        let (clipped, note) = try past.validated(against: contigs, origin: "x")
        XCTAssertEqual(clipped, GenomicRegion(contig: "chrM", start: 19_000, end: 19_517))
        XCTAssertEqual(note, .clippedToContigEnd(original: past, contigLength: 19_517))
        XCTAssertThrowsError(try GenomicRegion(contig: "chrM", start: 19_517, end: 20_000).validated(against: contigs, origin: "x"))
        XCTAssertThrowsError(try GenomicRegion(contig: "chrX", start: 0, end: 1).validated(against: contigs, origin: "x"))
    }
}
