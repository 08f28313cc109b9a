import Foundation
import TestSupport
import XCTest

/// The Snakemake workflow in pipelines/: 3 shards, merged, against a single run.
final class PipelineTests: XCTestCase {
    func testThreeShardWorkflowEqualsASingleRun() throws {
        let snakemake = Repo.path(".venv-snakemake/bin/snakemake")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: snakemake), "run `make test`: it installs Snakemake into .venv-snakemake")
        let folder = TemporaryFolder()
        let region = "chr2R:1,000,001-1,060,000"
        // Absolute paths: snakemake runs in the temporary folder, so its .snakemake/ stays there.
        let config = ["shards=3", "out=\(folder.file("pipeline"))", "plrp=\(Repo.binary)", "fasta=\(Repo.genome)",
                      "model=\(Repo.path("data/models/default.safetensors"))",
                      "database=\(Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"))", "regions=\(region)"]
        let run = try runProcess(snakemake, ["-s", Repo.path("pipelines/Snakefile"), "--cores", "2", "--quiet", "--config"] + config,
                                 currentDirectory: folder.path)
        XCTAssertEqual(run.status, 0, run.stderr + run.stdoutText)
        // The workflow's default: no per-window arrays, motifs on the merged track.
        let single = try plrp("run", "--region", region, "--arrays", "none", "-o", folder.file("single"), "--quiet")
        XCTAssertEqual(single.status, 0, single.stderr)
        let fm = FileManager.default
        for i in 1...3 {
            XCTAssertTrue(fm.fileExists(atPath: folder.file("pipeline/shards/\(i)/edges.npz")), "shard \(i)")
            XCTAssertFalse(fm.fileExists(atPath: folder.file("pipeline/shards/\(i)/attr.npz")), "shard \(i)")
        }
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "windows.bed",
                     "seqlets.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html"] {
            XCTAssertTrue(fm.fileExists(atPath: folder.file("single/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("pipeline/\(file)")), try fileBytes(folder.file("single/\(file)")), file)
        }
        XCTAssertFalse(fm.fileExists(atPath: folder.file("pipeline/attr.npz")))
        // The tracks' contents too (what the done-when names): same bedGraph lines after decompression.
        let a = try runProcess("gzip", ["-dc", folder.file("pipeline/relevance.bedGraph.gz")]).stdout
        let b = try runProcess("gzip", ["-dc", folder.file("single/relevance.bedGraph.gz")]).stdout
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b)
    }
}
