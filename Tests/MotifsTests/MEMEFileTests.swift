import Foundation
@testable import Motifs
import TestSupport
import XCTest

final class MEMEFileTests: XCTestCase {
    func testShippedJASPARInsectsParse() throws {
        let motifs = try MEMEFile.read(path: Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"))
        XCTAssertEqual(motifs.count, 296)
        let hb = try XCTUnwrap(motifs.first { $0.id == "MA0049.1" })
        XCTAssertEqual(hb.name, "hb")
        for column in hb.columns { XCTAssertEqual(column.reduce(0, +), 1, accuracy: 1e-9) }
    }

    func testRoundTripKeepsMatrices() throws {
        let motif = Motif(id: "m1", name: "test", columns: [[0.7, 0.1, 0.1, 0.1], [0, 0, 1, 0]], sites: 12)
        let back = try MEMEFile.parse(MEMEFile.format([motif], comments: ["caller: test"]), path: "x.meme")
        XCTAssertEqual(back.count, 1)
        XCTAssertEqual(back[0].id, "m1")
        XCTAssertEqual(back[0].sites, 12)
        XCTAssertEqual(back[0].columns.map(\.count), motif.columns.map(\.count))
        for (a, b) in zip(back[0].columns.joined(), motif.columns.joined()) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testRowsNotSummingToOneNameTheLine() {
        let text = "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF bad\nletter-probability matrix: alength= 4 w= 2\n 0.25 0.25 0.25 0.25\n 0.5 0.5 0.5 0.5\n"
        XCTAssertThrowsError(try MEMEFile.parse(text, path: "db.meme")) { error in
            XCTAssertEqual((error as? MotifsError)?.message, "db.meme:8: probabilities of motif bad sum to 2.0, not 1")
        }
    }

    func testHugeOrOddHeaderNumbersAreIgnoredNotFatal() throws {
        // Found by fuzzing: `w= 1e300` used to trap converting to Int.
        let text = "MEME version 4\n\nMOTIF m\nletter-probability matrix: alength= 4 w= 1e300 nsites= -3.5\n 0.25 0.25 0.25 0.25\n"
        let motifs = try MEMEFile.parse(text, path: "odd.meme")
        XCTAssertEqual(motifs.first?.width, 1)
        XCTAssertEqual(motifs.first?.sites, 0)
    }

    func testEmptyDatabaseIsAnError() {
        XCTAssertThrowsError(try MEMEFile.parse("MEME version 4\n\nALPHABET= ACGT\n", path: "empty.meme")) { error in
            XCTAssertEqual((error as? MotifsError)?.message, "'empty.meme' holds no motifs")
        }
        XCTAssertThrowsError(try MEMEFile.parse("", path: "blank.meme"))
    }

    func testReverseComplementAndConsensus() {
        let motif = Motif(id: "m", columns: [[1, 0, 0, 0], [0, 0.6, 0.4, 0], [0.3, 0.3, 0.2, 0.2]])
        XCTAssertEqual(motif.consensus, "ACa")
        XCTAssertEqual(motif.reverseComplement.consensus, "gGT")  // ties: the first of A, C, G, T
        XCTAssertEqual(motif.informationContent(at: 0), 2, accuracy: 1e-12)
    }
}
