import Foundation
import GenomeIO
import Pipeline
import TestSupport
import XCTest

/// Shards joined without their windows' arrays: one window a shard, one track per output, another aggregation.
final class ShardMergeTests: XCTestCase {
    static let outputs = ["t0", "t1", "t2"]
    static let trackFiles = outputs.flatMap { output in
        [".bedGraph.gz", ".bedGraph.gz.tbi", ".bw"].map { "relevance.\(output)\($0)" }
    }

    /// A run of the three-output fixture model (windows of 40 bases) over 150 bases every 15, every output explained,
    /// windows combined by their centres: each base lies in two or three windows, so in one-window shards in two.
    private func job(shard: WindowShard, arrays: ArrayOutput, regions: [String] = ["chr2R:1,000,001-1,000,150"],
                     target: String? = "all") -> RunJob {
        var explain = ExplainJob(input: .genome(Repo.genome, regions: regions, step: 15),
                                 model: Repo.fixture("models/a_bn_pools.safetensors"), method: .plrp(0.5))
        explain.target = target
        explain.aggregate = .center
        explain.arrays = arrays
        explain.shard = shard
        return RunJob(explain: explain, motifs: MotifsJob())
    }

    func testOneWindowShardsMergeIntoTheWholeRun() throws {
        let fm = FileManager.default
        for arrays in [ArrayOutput.all, .none] {
            let folder = TemporaryFolder()
            // The whole run as one shard (1/1): the same windows and tracks as a run without --shard.
            try Shipped.run(job(shard: WindowShard(index: 1, count: 1), arrays: arrays), into: folder.file("whole"))
            let rows = try String(contentsOfFile: folder.file("whole/windows.bed"), encoding: .utf8).split(separator: "\n").count
            let windows = rows / Self.outputs.count
            XCTAssertEqual(rows, windows * Self.outputs.count)
            XCTAssertGreaterThanOrEqual(windows, 5)
            var shards: [String] = []
            for i in 1...windows {
                let report = try Shipped.run(job(shard: WindowShard(index: i, count: windows), arrays: arrays), into: folder.file("s\(i)"))
                XCTAssertEqual(report.explain.windows, 1, "shard \(i) holds one window")
                shards.append(folder.file("s\(i)"))
            }
            let merge = try ShardMerge(shards.reversed(), motifs: nil)
            XCTAssertEqual(merge.arrays, arrays == .all)
            let summary = try merge.run(into: try OutputDirectory(path: folder.file("merged")))
            XCTAssertEqual(summary, "merged \(windows) shards, \(rows) windows")
            let files = Self.trackFiles + ["windows.bed"] + (arrays == .all ? ["ohe.npz", "attr.npz"] : [])
            for file in files {
                XCTAssertTrue(fm.fileExists(atPath: folder.file("whole/\(file)")), file)
                XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("whole/\(file)")), "\(arrays): \(file)")
            }
            XCTAssertFalse(fm.fileExists(atPath: folder.file("merged/edges.tsv")), "edges stay with the shards")
        }
    }

    /// Windows out of genome order (regions unsorted and overlapping): the tracks of the run and of the merge are
    /// sorted from attr.npz, and still equal.
    func testShardsOfUnsortedRegionsMergeIntoTheWholeRun() throws {
        let folder = TemporaryFolder()
        let regions = ["chr2R:1,000,121-1,000,240", "chr2R:1,000,001-1,000,150"]
        let make = { (shard: WindowShard) in self.job(shard: shard, arrays: .all, regions: regions, target: nil) }
        try Shipped.run(make(WindowShard(index: 1, count: 1)), into: folder.file("whole"))
        XCTAssertEqual(Manifest.parameters(inFolder: folder.file("whole"))?["tracks"] as? String, "sorted after the run")
        for i in 1...3 { try Shipped.run(make(WindowShard(index: i, count: 3)), into: folder.file("s\(i)")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("s1/edges.tsv")), "no edges for tracks sorted afterwards")
        let summary = try ShardMerge((1...3).map { folder.file("s\($0)") }, motifs: nil).run(into: try OutputDirectory(path: folder.file("merged")))
        XCTAssertTrue(summary.hasPrefix("merged 3 shards"), summary)
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "windows.bed", "attr.npz"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("whole/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("whole/\(file)")), file)
        }
    }

    /// Hypothetical contributions are joined like the other arrays, and the motifs' CWMs come from them, as in the
    /// single run.
    func testHypotheticalContributionsMergeAndMakeTheSameMotifs() throws {
        let folder = TemporaryFolder()
        let make = { (shard: WindowShard?) -> RunJob in
            var job = Shipped.runJob(shard: shard)
            job.explain.method.hypothetical = true
            return job
        }
        try Shipped.run(make(nil), into: folder.file("single"))
        for i in 1...2 { try Shipped.run(make(WindowShard(index: i, count: 2)), into: folder.file("s\(i)")) }
        _ = try ShardMerge([folder.file("s1"), folder.file("s2")], motifs: MotifsJob(database: Shipped.database))
            .run(into: try OutputDirectory(path: folder.file("merged")))
        for file in ["hypothetical.npz", "attr.npz", "ohe.npz", "cwms.tsv", "motifs.meme", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("single/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("single/\(file)")), file)
        }
        // The CWMs differ from those of a run without hypothetical contributions: the test sees them used.
        XCTAssertNotEqual(try fileBytes(folder.file("merged/cwms.tsv")), try fileBytes(PathName.join(Shipped.runFolder, "cwms.tsv")))
    }

    /// Shards with hypothetical arrays only (no attr.npz) merge into the run: motifs from hypothetical × one-hot.
    func testHypotheticalArrayShardsMergeIntoTheSingleRun() throws {
        let folder = TemporaryFolder()
        let make = { (shard: WindowShard?) -> RunJob in
            var job = Shipped.runJob(shard: shard)
            job.explain.arrays = .hypothetical
            return job
        }
        let single = try Shipped.run(make(nil), into: folder.file("single"))
        XCTAssertNotNil(single.motifs)
        XCTAssertTrue(RunJob.isFinished(try make(nil).identity(), in: folder.file("single")))
        for i in 1...2 { try Shipped.run(make(WindowShard(index: i, count: 2)), into: folder.file("s\(i)")) }
        let merge = try ShardMerge([folder.file("s1"), folder.file("s2")], motifs: MotifsJob(database: Shipped.database))
        XCTAssertTrue(merge.arrays)
        _ = try merge.run(into: try OutputDirectory(path: folder.file("merged")))
        let fm = FileManager.default
        for file in ["ohe.npz", "hypothetical.npz", "windows.bed", "relevance.bw", "seqlets.bed", "motifs.meme", "cwms.tsv",
                     "matches.tsv", "report.html"] {
            XCTAssertTrue(fm.fileExists(atPath: folder.file("single/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("single/\(file)")), file)
        }
        XCTAssertFalse(fm.fileExists(atPath: folder.file("single/attr.npz")))
        XCTAssertFalse(fm.fileExists(atPath: folder.file("merged/attr.npz")))
    }

    /// A genome of three contigs, every contig explained, cut into shards that start and end on other contigs than
    /// their neighbours: the joined track and the motifs of the joined track are the whole run's.
    func testShardsAcrossContigsMergeIntoTheWholeRun() throws {
        let folder = TemporaryFolder()
        let genome = try FastaFile(path: Repo.genome)
        var text = "", letters: [UInt8] = []
        for (i, start) in [1_000_000, 1_100_000, 1_200_000].enumerated() {
            try genome.fetch(contig: "chr2R", start: start, end: start + 20_000 + 700 * i, into: &letters)
            text += ">c\(i + 1)\n" + String(decoding: letters, as: UTF8.self) + "\n"
        }
        let fasta = folder.file("three.fa")
        try text.write(toFile: fasta, atomically: true, encoding: .utf8)
        let make = { (shard: WindowShard?) -> RunJob in
            var explain = ExplainJob(input: .genome(fasta, regions: [], step: 150), model: Shipped.model, method: .plrp(0.5))
            explain.arrays = .none
            explain.shard = shard
            return RunJob(explain: explain, motifs: MotifsJob(database: Shipped.database))
        }
        try Shipped.run(make(nil), into: folder.file("single"))
        let shards = 5
        for i in 1...shards { try Shipped.run(make(WindowShard(index: i, count: shards)), into: folder.file("s\(i)")) }
        // Some shard holds windows of two contigs.
        let contigsPerShard = try (1...shards).map { i in
            Set(try String(contentsOfFile: folder.file("s\(i)/windows.bed"), encoding: .utf8).split(separator: "\n").map { $0.prefix(2) }).count
        }
        XCTAssertTrue(contigsPerShard.contains(2), "\(contigsPerShard)")
        _ = try ShardMerge((1...shards).map { folder.file("s\($0)") }, motifs: MotifsJob(database: Shipped.database))
            .run(into: try OutputDirectory(path: folder.file("merged")))
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "windows.bed", "seqlets.bed",
                     "motifs.meme", "matches.tsv", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("single/\(file)")), file)
            XCTAssertEqual(try fileBytes(folder.file("merged/\(file)")), try fileBytes(folder.file("single/\(file)")), file)
        }
    }
}
