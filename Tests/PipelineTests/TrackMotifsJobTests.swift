import Foundation
import Pipeline
import TestSupport
import XCTest

/// Motifs from a run's relevance track, through the library.
final class TrackMotifsJobTests: XCTestCase {
    func testMotifsFromARunsTrack() throws {
        let track = PathName.join(Shipped.runFolder, "relevance.bw")
        XCTAssertTrue(FileManager.default.fileExists(atPath: track))
        var motifs = MotifsJob(database: Shipped.database)
        motifs.minSeqlets = 5
        let job = TrackMotifsJob(track: track, fasta: Repo.genome, motifs: motifs)
        let folder = TemporaryFolder()
        let out = try OutputDirectory(path: folder.file("m"))
        let report = try job.run(into: out)
        try out.commit()
        for file in MotifsAndMergeTests.motifFiles {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("m/\(file)")), file)
        }
        let rows = try String(contentsOfFile: folder.file("m/seqlets.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(rows.contains { $0.hasPrefix("# seqlets: the strongest") })
        let seqlets = rows.filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t") }
        XCTAssertFalse(seqlets.isEmpty)
        // The run covers chr2R:1,000,001-1,030,000: every seqlet lies there, 24 bases with a 12-base core inside.
        for f in seqlets {
            let (start, end, thickStart, thickEnd) = (Int(f[1])!, Int(f[2])!, Int(f[6])!, Int(f[7])!)
            XCTAssertEqual(f[0], "chr2R")
            XCTAssertTrue(start >= 1_000_000 - 6 && end <= 1_030_000 + 6, "\(start)-\(end)")
            XCTAssertEqual(end - start, 24)
            XCTAssertEqual(thickEnd - thickStart, 12)
            XCTAssertTrue(thickStart >= 1_000_000 && thickEnd <= 1_030_000)
        }
        // Counts add up: the seqlets listed are those kept, no more than were called, and each in the manifest.
        XCTAssertEqual(report.results["seqlets"] as? Int, seqlets.count)
        XCTAssertEqual(report.results["seqlets_kept"] as? Int, seqlets.count)
        let called = try XCTUnwrap(report.results["seqlets_called"] as? [String: Int])
        let positive = seqlets.filter { $0[3].hasPrefix("pos|") }.count
        let joined = try XCTUnwrap(report.results["joined_across_rows"] as? Int)
        XCTAssertGreaterThan(positive, 0)
        XCTAssertEqual(seqlets.count + joined, called["pos"]! + called["neg"]!)
        let members = report.motifs.reduce(0) { $0 + $1.seqlets }
        XCTAssertLessThanOrEqual(members, seqlets.count)
        XCTAssertEqual(report.inputs, [track, Repo.genome, Shipped.database])
    }

    func testAContigOfTheTrackMissingFromTheFASTAIsNamed() throws {
        let folder = TemporaryFolder()
        let fasta = folder.file("other.fa")
        try (">chrX\n" + String(repeating: "ACGT", count: 50) + "\n").write(toFile: fasta, atomically: true, encoding: .utf8)
        let job = TrackMotifsJob(track: PathName.join(Shipped.runFolder, "relevance.bw"), fasta: fasta)
        assertPipelineError(.data, containing: "contig 'chr2R' of track") { _ = try job.find() }
    }
}
