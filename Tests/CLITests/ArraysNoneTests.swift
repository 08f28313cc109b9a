import Foundation
import TestSupport
import XCTest

/// `--arrays none`: explain and run write the tracks (and run its motifs, from the track) without ohe.npz/attr.npz.
final class ArraysNoneTests: XCTestCase {
    static let region = "chr2R:1,000,001-1,030,000"

    func testExplainWritesTheSameTracksWithoutArrays() throws {
        let folder = TemporaryFolder()
        for arrays in ["all", "none"] {
            let run = try plrp("explain", "--fasta", Repo.genome, "--model", Repo.path("data/models/default.safetensors"),
                               "--region", Self.region, "--step", "150", "--arrays", arrays, "-o", folder.file(arrays), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let fm = FileManager.default
        XCTAssertTrue(fm.fileExists(atPath: folder.file("all/attr.npz")))
        XCTAssertFalse(fm.fileExists(atPath: folder.file("none/attr.npz")))
        XCTAssertFalse(fm.fileExists(atPath: folder.file("none/ohe.npz")))
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "windows.bed"] {
            let all = try XCTUnwrap(fm.contents(atPath: folder.file("all/\(file)")), file)
            let none = try XCTUnwrap(fm.contents(atPath: folder.file("none/\(file)")), file)
            XCTAssertGreaterThan(all.count, 100, file)
            XCTAssertEqual(all, none, file)
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("none/manifest.json")))) as! [String: Any]
        XCTAssertEqual((manifest["parameters"] as? [String: Any])?["arrays"] as? String, "none")
    }

    func testRunFindsMotifsFromTheTrackAndShardsMergeIntoTheSameFiles() throws {
        let folder = TemporaryFolder()
        var run = try plrp("run", "--region", Self.region, "--arrays", "none", "-o", folder.file("run"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let fm = FileManager.default
        XCTAssertFalse(fm.fileExists(atPath: folder.file("run/attr.npz")))
        for file in ["relevance.bw", "seqlets.bed", "motifs.meme", "matches.tsv", "instances.bed", "report.html", "manifest.json"] {
            XCTAssertTrue(fm.fileExists(atPath: folder.file("run/\(file)")), file)
        }
        for file in ["seqlets.bed", "motifs.meme", "instances.bed", "report.html", "manifest.json"] {
            let text = try String(contentsOfFile: folder.file("run/\(file)"), encoding: .utf8)
            XCTAssertFalse(text.contains(".partial-"), "\(file) names the staged track")
        }
        let seqlets = try String(contentsOfFile: folder.file("run/seqlets.bed"), encoding: .utf8)
        XCTAssertTrue(seqlets.contains("kept"), "seqlets.bed says which seqlets it lists")
        XCTAssertGreaterThan(seqlets.split(separator: "\n").filter { !$0.hasPrefix("#") }.count, 5)
        // The same job again is left as it is.
        run = try plrp("run", "--region", Self.region, "--arrays", "none", "-o", folder.file("run"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("already holds this job's results"), run.stderr)

        // Shards without arrays merge into the same files: tracks joined from the shards' tracks and edge windows,
        // motifs found on the joined track.
        for i in 1...3 {
            run = try plrp("run", "--region", Self.region, "--arrays", "none", "--shard", "\(i)/3", "-o", folder.file("s\(i)"), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(fm.fileExists(atPath: folder.file("s\(i)/edges.tsv")), "shard \(i) writes its edge windows")
        }
        run = try plrp("merge", folder.file("s3"), folder.file("s1"), folder.file("s2"), "-o", folder.file("merged"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("merged 3 shards"), run.stderr)
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "windows.bed", "seqlets.bed",
                     "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html"] {
            XCTAssertTrue(fm.fileExists(atPath: folder.file("run/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("run/\(file)")), file)
        }
        for file in ["attr.npz", "ohe.npz", "edges.tsv", "edges.npz"] {
            XCTAssertFalse(fm.fileExists(atPath: folder.file("merged/\(file)")), file)
            XCTAssertFalse(fm.fileExists(atPath: folder.file("run/\(file)")), file)
        }
        // A shard without its edge windows (or with a damaged table) is refused in one line, nothing written.
        try "#contig\tstart\tend\tfirst_row\nchr2R\tx\t1\t0\n".write(toFile: folder.file("s2/edges.tsv"), atomically: true, encoding: .utf8)
        run = try plrp("merge", folder.file("s1"), folder.file("s2"), folder.file("s3"), "-o", folder.file("bad"))
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "plrp: error: \(folder.file("s2/edges.tsv")):2: not an edge window (contig, start, end, first row)\n")
        try fm.removeItem(atPath: folder.file("s2/edges.tsv"))
        run = try plrp("merge", folder.file("s1"), folder.file("s2"), folder.file("s3"), "-o", folder.file("bad"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("plrp: error: cannot read '\(folder.file("s2/edges.tsv"))'"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertFalse(fm.fileExists(atPath: folder.file("bad")))
    }

    func testOptionsThatNeedArraysAreRefused() throws {
        let folder = TemporaryFolder()
        for extra in [["--hypothetical"], ["--no-tracks"]] {
            let run = try plrp(["explain", "--fasta", Repo.genome, "--model", Repo.path("data/models/default.safetensors"),
                                "--region", Self.region, "--arrays", "none", "-o", folder.file("x")] + extra)
            XCTAssertEqual(run.status, 2, "\(extra)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("x")))
        }
    }

    /// Shards run with a relative FASTA path merge from another folder (their manifests record it absolute), and a
    /// FASTA moved since is named, and taken from --fasta.
    func testMergeFindsTheShardsGenomeFromAnotherFolder() throws {
        let folder = TemporaryFolder()
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder.file("genome"), withIntermediateDirectories: true)
        for suffix in ["", ".fai", ".gzi"] {
            try fm.copyItem(atPath: Repo.genome + suffix, toPath: folder.file("genome/g.fa.gz" + suffix))
        }
        let model = Repo.path("data/models/default.safetensors")
        for i in 1...2 {
            let run = try runProcess(Repo.binary, ["run", "--fasta", "genome/g.fa.gz", "--model", model, "--region", "chr2R:1,000,001-1,010,000",
                                                   "--arrays", "none", "--shard", "\(i)/2", "-o", "s\(i)", "--quiet"], currentDirectory: folder.path)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        try fm.createDirectory(atPath: folder.file("elsewhere"), withIntermediateDirectories: true)
        var merge = try runProcess(Repo.binary, ["merge", "../s1", "../s2", "-o", "merged", "--quiet"], currentDirectory: folder.file("elsewhere"))
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(fm.fileExists(atPath: folder.file("elsewhere/merged/motifs.meme")))
        try fm.moveItem(atPath: folder.file("genome"), toPath: folder.file("moved"))
        merge = try runProcess(Repo.binary, ["merge", "../s1", "../s2", "-o", "again", "--quiet"], currentDirectory: folder.file("elsewhere"))
        XCTAssertEqual(merge.status, 1)
        XCTAssertEqual(merge.stderr, "plrp: error: cannot read FASTA '\(folder.file("genome/g.fa.gz"))', which the shards were run on: give it with --fasta\n")
        XCTAssertFalse(fm.fileExists(atPath: folder.file("elsewhere/again")))
        merge = try runProcess(Repo.binary, ["merge", "../s1", "../s2", "--fasta", "../moved/g.fa.gz", "-o", "again", "--quiet"],
                               currentDirectory: folder.file("elsewhere"))
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertEqual(try fileBytes(folder.file("elsewhere/again/motifs.meme")), try fileBytes(folder.file("elsewhere/merged/motifs.meme")))
    }
}
