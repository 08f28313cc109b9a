import Foundation
import Pipeline
import TestSupport
import XCTest

/// What the user names is opened with errors that say what is wrong with it.
final class OpeningTests: XCTestCase {
    func testAFileThatIsNotAModelIsNamedAsSuch() throws {
        XCTAssertEqual(try Opening.model(Shipped.model).inputLength, 300)
        assertPipelineError(.data, containing: "not a plrp model (a .safetensors file") { _ = try Opening.model(Repo.genome) }
        // A missing file keeps the model reader's own message.
        assertPipelineError(.data, containing: "/nonexistent.safetensors") { _ = try Opening.model("/nonexistent.safetensors") }
    }

    func testAnUnknownContigListsTheIndexsContigs() throws {
        let genome = try FastaFile(path: Repo.genome)
        XCTAssertEqual(try Opening.region("chr2R:11-20", contigs: genome.contigs), GenomicRegion(contig: "chr2R", start: 10, end: 20))
        assertPipelineError(.data, containing: "unknown contig 'chrX' (the index has chr2R)") {
            _ = try Opening.region("chrX:1-100", contigs: genome.contigs)
        }
        let many = ContigTable((1...12).map { Contig(name: "c\($0)", length: 100) })
        assertPipelineError(.data, containing: "(the index has c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, … (12 contigs))") {
            _ = try Opening.region("chrX", contigs: many)
        }
    }
}
