@testable import GenomeIO
import XCTest

/// CIGAR projection of a read's window columns onto the reference, on hand-made reads.
final class ReadPlacementTests: XCTestCase {
    private func read(start: Int, sequence: String, cigar: [(CigarOperation.Kind, Int)]) -> AlignedRead {
        let ops = cigar.map { CigarOperation(kind: $0.0, length: $0.1) }
        let span = ops.filter { $0.kind.consumesReference }.reduce(0) { $0 + $1.length }
        return AlignedRead(name: "r", contig: "chr1", start: start, end: start + span, flag: 0, mappingQuality: 60,
                           isReverse: false, sequence: Array(sequence.utf8), cigar: ops)
    }

    func testSoftClipInsertionDeletionAndSkip() {
        // 2S 3M 1I 2M 2D 2M 3N 1M 1S: 12 read bases.
        let r = read(start: 100, sequence: "ssAAAiCCGGTs",
                     cigar: [(.softClip, 2), (.match, 3), (.insertion, 1), (.match, 2), (.deletion, 2),
                             (.match, 2), (.skip, 3), (.match, 1), (.softClip, 1)])
        XCTAssertEqual(r.end, 113)
        // Window as long as the read: columns are read bases one to one.
        XCTAssertEqual(r.placement(length: 12).positions,
                       [-1, -1, 100, 101, 102, -1, 103, 104, 107, 108, 112, -1])
        XCTAssertEqual(r.placement(length: 12).start, 100)
    }

    func testPaddedAndCroppedWindowsFollowAppendCentred() {
        let r = read(start: 50, sequence: "ACGT", cigar: [(.match, 4)])
        var bases: [UInt8] = []
        r.appendCentred(length: 7, to: &bases)
        XCTAssertEqual(String(decoding: bases, as: UTF8.self), "NACGTNN")
        XCTAssertEqual(r.placement(length: 7).positions, [-1, 50, 51, 52, 53, -1, -1])
        bases = []
        r.appendCentred(length: 2, to: &bases)
        XCTAssertEqual(String(decoding: bases, as: UTF8.self), "CG")
        XCTAssertEqual(r.placement(length: 2).positions, [51, 52])
    }

    func testClippedToTheRegion() {
        let r = read(start: 98, sequence: "ACGTAC", cigar: [(.match, 6)])
        let placement = r.placement(length: 6, within: GenomicRegion(contig: "chr1", start: 100, end: 103))
        XCTAssertEqual(placement.positions, [-1, -1, 100, 101, 102, -1])
        XCTAssertEqual(placement.start, 100)
    }
}
