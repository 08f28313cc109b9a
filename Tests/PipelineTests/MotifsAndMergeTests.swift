import Foundation
import Pipeline
import TestSupport
import XCTest

/// Motifs found in memory, and shards joined, against a single run made through the library.
final class MotifsAndMergeTests: XCTestCase {
    static let motifFiles = ["seqlets.bed", "instances.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "report.html"]
    static let runFiles = ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "ohe.npz", "attr.npz",
                           "windows.bed"] + motifFiles

    func testMotifsFromMemoryAreTheRunsMotifFiles() throws {
        let (rows, explained) = try Explainer(Shipped.explainJob(), diagnostics: .silent).collect()
        let job = MotifsJob(database: Shipped.database)
        let found = try job.find(in: try rows.explainedWindows())
        XCTAssertFalse(found.result.seqlets.isEmpty)
        XCTAssertFalse(found.motifs.isEmpty)
        let folder = TemporaryFolder()
        let out = try OutputDirectory(path: folder.file("motifs"))
        // The report names what was explained, as the run's does.
        let source = ExplainArrays.source(parameters: explained.parameters, inputs: Shipped.runJob().inputs)
        XCTAssertEqual(source.map(\.0), ["model", "genome / sequences", "regions", "method"])
        XCTAssertEqual(source.last?.1, "PLRP-λ p = 0.5 (epsilon_plus), target default")
        try job.stage(found, into: out, source: source)
        try out.commit()
        for file in Self.motifFiles {
            XCTAssertEqual(try fileBytes(folder.file("motifs/\(file)")), try fileBytes(PathName.join(Shipped.runFolder, file)), file)
        }
        // The report counts what the files hold.
        let report = job.report(found, inputs: [], seconds: 0)
        XCTAssertEqual(report.results["seqlets"] as? Int, found.result.seqlets.count)
        XCTAssertEqual(report.motifs.map(\.id), found.result.motifs.map(\.id))
    }

    func testTwoShardsMergeIntoTheSingleRun() throws {
        let folder = TemporaryFolder()
        for i in 1...2 {
            let report = try Shipped.run(Shipped.runJob(shard: WindowShard(index: i, count: 2)), into: folder.file("s\(i)"))
            XCTAssertNil(report.motifs, "motifs wait for the merge")
            XCTAssertEqual(report.explain.windows, i == 1 ? 99 : 100)
        }
        let merge = try ShardMerge([folder.file("s2"), folder.file("s1")], motifs: MotifsJob(database: Shipped.database))
        XCTAssertEqual(merge.shards.map(\.index), [1, 2])
        let summary = try merge.run(into: try OutputDirectory(path: folder.file("merged")))
        XCTAssertTrue(summary.hasPrefix("merged 2 shards, 199 windows; motifs: "), summary)
        for file in Self.runFiles {
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(PathName.join(Shipped.runFolder, file)), file)
        }
        // A missing shard, or a shard of another job, is refused before anything is written.
        assertPipelineError(.data, containing: "the folders are shards 2/2; need each of 1/2 … 2/2 once") {
            _ = try ShardMerge([folder.file("s2")], motifs: nil)
        }
        var other = Shipped.runJob(shard: WindowShard(index: 1, count: 2))
        other.explain.input.step = 100
        try Shipped.run(other, into: folder.file("o1"))
        assertPipelineError(.data, containing: "is a shard of another job") {
            _ = try ShardMerge([folder.file("o1"), folder.file("s2")], motifs: nil)
        }
    }

    func testAFinishedRunIsRecognisedByItsIdentity() throws {
        let job = Shipped.runJob()
        XCTAssertTrue(RunJob.isFinished(try job.identity(), in: Shipped.runFolder))
        var other = job
        other.explain.method.prune = "0.3"
        XCTAssertFalse(RunJob.isFinished(try other.identity(), in: Shipped.runFolder))
        let manifest = try JSONSerialization.jsonObject(with: try fileBytes(PathName.join(Shipped.runFolder, "manifest.json"))) as! [String: Any]
        XCTAssertEqual(manifest["command"] as? String, "run")
        XCTAssertEqual((manifest["parameters"] as! [String: Any])["job"] as? String, try job.identity())
    }
}
