import GenomeIO
import TestSupport
import XCTest

final class FastaFileTests: XCTestCase {
    func testShippedGenomeContigs() throws {
        let fasta = try FastaFile(path: Repo.genome)
        XCTAssertEqual(fasta.contigs.contigs, [Contig(name: "chr2R", length: 21_146_708)])
    }

    func testFetchMatchesSamtools() throws {
        let fasta = try FastaFile(path: Repo.genome)
        let region = GenomicRegion(contig: "chr2R", start: 5_000_000, end: 5_000_120)
        let samtools = try runProcess("samtools", ["faidx", Repo.genome, "chr2R:5000001-5000120"])
        let expected = samtools.stdoutText.split(separator: "\n").dropFirst().joined()
        XCTAssertEqual(try fasta.sequence(of: region), expected)
    }

    func testBuildsIndexForPlainFasta() throws {
        let folder = TemporaryFolder()
        let path = folder.file("tiny.fa")
        try ">a desc\nACGTACGTAC\nGT\n>b\nnnnnACGT\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fasta = try FastaFile(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".fai"))
        XCTAssertEqual(fasta.contigs.contigs, [Contig(name: "a", length: 12), Contig(name: "b", length: 8)])
        XCTAssertEqual(try fasta.sequence(of: GenomicRegion(contig: "a", start: 8, end: 12)), "ACGT")
        XCTAssertEqual(try fasta.sequence(of: GenomicRegion(contig: "b", start: 0, end: 5)), "nnnnA")
    }

    func testGzipThatIsNotBGZFIsExplained() throws {
        let folder = TemporaryFolder()
        let plain = folder.file("g.fa")
        try ">a\nACGT\n".write(toFile: plain, atomically: true, encoding: .utf8)
        try runProcess("gzip", ["-f", plain])
        XCTAssertThrowsError(try FastaFile(path: plain + ".gz")) { error in
            XCTAssertTrue("\(error)".contains("not BGZF"), "\(error)")
        }
    }

    func testTruncatedBGZF() throws {
        let folder = TemporaryFolder()
        let data = try Data(contentsOf: URL(fileURLWithPath: Repo.genome))
        let path = folder.file("cut.fa.gz")
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try FastaFile(path: path)) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try FastaFile(path: "/nonexistent/genome.fa")) { error in
            XCTAssertEqual("\(error)", "cannot open FASTA '/nonexistent/genome.fa': no such file")
        }
    }

    func testWindowStreamPadsPastContigEndWithN() throws {
        let folder = TemporaryFolder()
        let path = folder.file("tiny.fa")
        try ">a\nACGTACGTAC\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fasta = try FastaFile(path: path)
        let plan = try WindowPlan(length: 4, step: 3)
        var stream = WindowStream(fasta: fasta, regions: [GenomicRegion(contig: "a", start: 2, end: 10)], plan: plan)
        stream.chunkBases = 5  // force refills mid-region
        var seen: [String] = []
        try stream.forEachBatch(batchSize: 2) { batch in
            for i in 0..<batch.count {
                seen.append(String(decoding: batch.bases[(i * 4)..<(i * 4 + 4)], as: UTF8.self))
            }
        }
        XCTAssertEqual(seen, ["GTAC", "CGTA", "ACNN"])
        XCTAssertEqual(stream.windowCount, 3)
    }

    /// Shards that start past the end of an earlier region (a later contig's part of a whole-genome run) yield that
    /// region's windows only; every split gives back the whole run's windows in order.
    func testShardsOverSeveralRegionsJoinToTheWholeRun() throws {
        let folder = TemporaryFolder()
        let path = folder.file("two.fa")
        try ">a\nACGTACGTACGTAC\n>b\nTTGCATTGCAGG\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fasta = try FastaFile(path: path)
        let plan = try WindowPlan(length: 4, step: 3)
        let regions = [GenomicRegion(contig: "a", start: 0, end: 14), GenomicRegion(contig: "b", start: 0, end: 12),
                       GenomicRegion(contig: "a", start: 3, end: 9)]
        func windows(_ stream: WindowStream) throws -> [String] {
            var seen: [String] = []
            try stream.forEachBatch(batchSize: 2) { batch in
                seen += batch.windows.map { "\($0.contig):\($0.start)" }
            }
            return seen
        }
        let whole = try windows(WindowStream(fasta: fasta, regions: regions, plan: plan))
        XCTAssertEqual(whole.count, 5 + 4 + 2)
        for count in 1...(whole.count + 1) {
            var joined: [String] = []
            for index in 1...count {
                var stream = WindowStream(fasta: fasta, regions: regions, plan: plan)
                stream.only = WindowShard(index: index, count: count).range(total: stream.allWindowCount)
                let part = try windows(stream)
                XCTAssertEqual(part.count, stream.windowCount, "shard \(index)/\(count)")
                joined += part
            }
            XCTAssertEqual(joined, whole, "\(count) shards")
        }
    }
}
