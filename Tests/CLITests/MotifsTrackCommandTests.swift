import Foundation
import TestSupport
import XCTest

/// `plrp motifs --track`: bad input gives one line naming the file, and no output.
final class MotifsTrackCommandTests: XCTestCase {
    func testBadTrackInputIsOneLineNamingTheFile() throws {
        let folder = TemporaryFolder()
        let notBigWig = folder.file("text.bw")
        try "chr2R\t0\t10\t1\n".write(toFile: notBigWig, atomically: true, encoding: .utf8)
        let noIndex = folder.file("plain.bedGraph.gz")
        try "chr2R\t0\t10\t1\n".write(toFile: noIndex, atomically: true, encoding: .utf8)
        // A bigWig on chr2R only (a tiny explain run), against a FASTA without chr2R.
        var run = try plrp("explain", "--model", Repo.path("data/models/default.safetensors"), "--fasta", Repo.genome,
                           "--region", "chr2R:1,000,001-1,003,000", "-o", folder.file("x"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let track = folder.file("x/relevance.bw")
        XCTAssertTrue(FileManager.default.fileExists(atPath: track))
        let otherFasta = folder.file("other.fa")
        try (">chrX\n" + String(repeating: "ACGT", count: 50) + "\n").write(toFile: otherFasta, atomically: true, encoding: .utf8)
        let usage: [([String], String)] = [
            (["motifs", "--track", track, "-o", folder.file("u1")], "--track needs --fasta"),
            (["motifs", "--track", track, "--input", folder.file("x"), "--fasta", Repo.genome, "-o", folder.file("u2")], "give one of --input"),
            (["motifs", "-o", folder.file("u3")], "give one of --input"),
        ]
        for (arguments, message) in usage {
            run = try plrp(arguments)
            XCTAssertEqual(run.status, 2, arguments.joined(separator: " "))
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: ") && run.stderr.contains(message), run.stderr)
        }
        let data: [([String], String)] = [
            (["motifs", "--track", folder.file("missing.bw"), "--fasta", Repo.genome, "-o", folder.file("d1")], "cannot read --track '\(folder.file("missing.bw"))'"),
            (["motifs", "--track", track, "--fasta", folder.file("missing.fa"), "-o", folder.file("d2")], "cannot read --fasta '\(folder.file("missing.fa"))'"),
            (["motifs", "--track", notBigWig, "--fasta", Repo.genome, "-o", folder.file("d3")], "cannot open bigWig '\(notBigWig)'"),
            (["motifs", "--track", noIndex, "--fasta", Repo.genome, "-o", folder.file("d4")], "'\(noIndex)' has no tabix index"),
            (["motifs", "--track", track, "--fasta", otherFasta, "-o", folder.file("d5")], "contig 'chr2R' of track '\(track)' is not in FASTA '\(otherFasta)'"),
        ]
        for (arguments, message) in data {
            run = try plrp(arguments)
            XCTAssertEqual(run.status, 1, arguments.joined(separator: " "))
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: ") && run.stderr.contains(message), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: arguments.last!), "no output left behind")
        }
    }
}
