import Encoding
import Foundation
import GenomeIO
import TestSupport
import Tracks
import XCTest

/// The genome tracks `plrp explain` writes: checked with bedtools, tabix and libBigWig against the relevance arrays.
final class ExplainTracksTests: XCTestCase {
    let model = Repo.path("data/models/default.safetensors")

    private func explain(_ extra: [String], into folder: String) throws -> ProcessResult {
        try plrp(["explain", "--model", model, "--quiet", "-o", folder] + extra)
    }

    /// bedGraph lines without the track line.
    private func bedGraphLines(_ path: String) throws -> [String] {
        let text = try runProcess("gzip", ["-dc", path]).stdoutText
        return text.split(separator: "\n").dropFirst().map(String.init)
    }

    func testGenomeTrackIsSortedMergedAndMatchesTheArrays() throws {
        let folder = TemporaryFolder()
        // Windows of 300 every 75 bases: each base inside is covered by 4 windows (75% overlap).
        let run = try explain(["--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,003,000", "--step", "75", "--prune", "0.5"],
                              into: folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = try bedGraphLines(folder.file("relevance.bedGraph.gz"))
        XCTAssertFalse(lines.isEmpty)
        // bedtools: sorting changes nothing, and merging overlapping (not book-ended) intervals merges nothing.
        let plain = folder.file("track.bedGraph")
        try (lines.joined(separator: "\n") + "\n").write(toFile: plain, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runProcess("bedtools", ["sort", "-i", plain]).stdoutText.split(separator: "\n").map(String.init), lines)
        let merged = try runProcess("bedtools", ["merge", "-d", "-1", "-i", plain])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(merged.stdoutText.split(separator: "\n").count, lines.count, "overlapping intervals")
        // Adjacent runs never share a value.
        let parsed = lines.map { $0.split(separator: "\t") }
        var adjacent = 0
        for (a, b) in zip(parsed, parsed.dropFirst()) where a[2] == b[1] { XCTAssertNotEqual(a[3], b[3]); adjacent += 1 }
        XCTAssertGreaterThan(adjacent, 0, "no book-ended runs to compare")

        // The mean over covering windows, recomputed from attr.npz and windows.bed.
        let attr = try NPZReader.read(path: folder.file("attr.npz"))
        let windows = try WindowsBED.read(path: folder.file("windows.bed"))
        let length = attr.shape[2]
        var sum: [Int: Double] = [:], count: [Int: Int] = [:]
        for (w, window) in windows.enumerated() {
            let sums = BaseSums.of(attr.values[(w * 4 * length)..<((w + 1) * 4 * length)], length: length)
            for i in 0..<length { sum[window.start + i, default: 0] += Double(sums[i]); count[window.start + i, default: 0] += 1 }
        }
        XCTAssertEqual(count[1_001_000], 4)
        var covered = 0
        for fields in parsed {
            for p in Int(fields[1])!..<Int(fields[2])! {
                XCTAssertEqual(Double(fields[3])!, sum[p]! / Double(count[p]!), accuracy: 1e-5 * max(1, abs(Double(fields[3])!)))
                covered += 1
            }
        }
        // Every base a window covered has a line, zeros included (the windows end at the region's end here).
        XCTAssertEqual(covered, sum.count)

        // tabix answers a region query with exactly the overlapping lines.
        let query = try runProcess("tabix", [folder.file("relevance.bedGraph.gz"), "chr2R:1001001-1001100"])
        XCTAssertEqual(query.status, 0, query.stderr)
        let expected = lines.filter { let f = $0.split(separator: "\t"); return Int(f[2])! > 1_001_000 && Int(f[1])! < 1_001_100 }
        XCTAssertEqual(query.stdoutText.split(separator: "\n").map(String.init), expected)

        // The bigWig holds the same intervals and values, with chr2R's size from the FASTA index.
        let bigWig = try BigWigReader(path: folder.file("relevance.bw"))
        XCTAssertEqual(bigWig.contigs.first?.name, "chr2R")
        XCTAssertEqual(bigWig.contigs.first?.length, FastaFileLength.chr2R)
        let back = bigWig.intervals(contig: "chr2R", start: 0, end: FastaFileLength.chr2R)
            .map { "chr2R\t\($0.start)\t\($0.end)\t\(BedGraphWriter.format($0.value))" }
        XCTAssertEqual(back, lines)
    }

    func testTracksHoldZerosAndStopAtTheRegionEnd() throws {
        let folder = TemporaryFolder()
        // 1,000 bases in windows of 300 (the model's) every 300: the fourth window, [1,000,900, 1,001,200), reaches
        // 200 bases past the region's end. PLRP-λ leaves many bases at exactly zero relevance.
        let run = try explain(["--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,001,000", "--prune", "0.5"], into: folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        let windows = try WindowsBED.read(path: folder.file("windows.bed"))
        XCTAssertEqual(windows.last?.end, 1_001_200, "the last window reaches past the region")
        let attr = try NPZReader.read(path: folder.file("attr.npz"))
        let length = attr.shape[2]
        var relevance: [Int: Float] = [:]
        for (w, window) in windows.enumerated() {
            let sums = BaseSums.of(attr.values[(w * 4 * length)..<((w + 1) * 4 * length)], length: length)
            for i in 0..<length { relevance[window.start + i] = sums[i] }
        }
        let zeros = relevance.filter { $0.key < 1_001_000 && $0.value == 0 }.keys.sorted()
        XCTAssertGreaterThan(zeros.count, 10, "no zero-relevance bases to check")
        XCTAssertTrue(relevance.keys.contains { $0 >= 1_001_000 }, "windows covered bases past the end")

        // bedGraph: one line per run over exactly [1,000,000, 1,001,000), zeros as 0, nothing past the end.
        let lines = try bedGraphLines(folder.file("relevance.bedGraph.gz")).map { $0.split(separator: "\t") }
        XCTAssertEqual(lines.first.map { Int($0[1])! }, 1_000_000)
        XCTAssertEqual(lines.last.map { Int($0[2])! }, 1_001_000)
        for (a, b) in zip(lines, lines.dropFirst()) { XCTAssertEqual(a[2], b[1], "a gap or an overlap") }
        var perBase: [Int: String] = [:]
        for line in lines { for p in Int(line[1])!..<Int(line[2])! { perBase[p] = String(line[3]) } }
        XCTAssertEqual(perBase.count, 1_000)
        for p in zeros { XCTAssertEqual(perBase[p], "0", "base \(p)") }
        let past = try runProcess("tabix", [folder.file("relevance.bedGraph.gz"), "chr2R:1001001-1001200"])
        XCTAssertEqual(past.status, 0, past.stderr)
        XCTAssertEqual(past.stdoutText, "")

        // bigWig: 0 and not NaN over each zero base, the same intervals, and no data past the end.
        let bigWig = try BigWigReader(path: folder.file("relevance.bw"))
        for p in zeros {
            let mean = try XCTUnwrap(bigWig.summary(contig: "chr2R", start: p, end: p + 1, bins: 1, statistic: .mean, exact: true))
            XCTAssertEqual(mean, [0], "base \(p)")
        }
        let intervals = bigWig.intervals(contig: "chr2R", start: 0, end: FastaFileLength.chr2R)
        XCTAssertEqual(intervals.count, lines.count)
        XCTAssertEqual(intervals.last?.end, 1_001_000)
        XCTAssertTrue(bigWig.intervals(contig: "chr2R", start: 1_001_000, end: 1_001_200).isEmpty)
        let coverage = try XCTUnwrap(bigWig.summary(contig: "chr2R", start: 1_000_000, end: 1_001_200, bins: 6, statistic: .coverage, exact: true))
        XCTAssertEqual(coverage.prefix(5).map { $0 }, [1, 1, 1, 1, 1])
        XCTAssertTrue(coverage[5].isNaN || coverage[5] == 0, "\(coverage[5])")
    }

    func testSeveralOverlappingRegionsGiveTheirUnionOnly() throws {
        let folder = TemporaryFolder()
        // Out of order, as a BED file: [1,000,600, 1,001,000) and [1,000,000, 1,000,400) in windows of 300 every 300.
        // The first region's windows reach 1,001,200, the second's 1,000,600: both reach past their region's end.
        let bed = folder.file("regions.bed")
        try "chr2R\t1000600\t1001000\nchr2R\t1000000\t1000400\n".write(toFile: bed, atomically: true, encoding: .utf8)
        var run = try explain(["--fasta", Repo.genome, "--regions", bed], into: folder.file("unsorted"))
        XCTAssertEqual(run.status, 0, run.stderr)
        let windows = try WindowsBED.read(path: folder.file("unsorted/windows.bed"))
        XCTAssertEqual(windows.map(\.end).max(), 1_001_200)
        XCTAssertTrue(windows.contains { $0.start < 1_000_400 && $0.end > 1_000_400 }, "a window reaches into the gap")
        let lines = try bedGraphLines(folder.file("unsorted/relevance.bedGraph.gz")).map { $0.split(separator: "\t") }
        var bases = Set<Int>()
        for line in lines { for p in Int(line[1])!..<Int(line[2])! { XCTAssertTrue(bases.insert(p).inserted, "base \(p) twice") } }
        XCTAssertEqual(bases, Set(1_000_000..<1_000_400).union(1_000_600..<1_001_000))
        // The same regions in order stream their track, and it is the same.
        try "chr2R\t1000000\t1000400\nchr2R\t1000600\t1001000\n".write(toFile: bed, atomically: true, encoding: .utf8)
        run = try explain(["--fasta", Repo.genome, "--regions", bed], into: folder.file("sorted"))
        XCTAssertEqual(run.status, 0, run.stderr)
        let manifest = try String(contentsOfFile: folder.file("sorted/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("streamed"), manifest)
        XCTAssertEqual(try bedGraphLines(folder.file("sorted/relevance.bedGraph.gz")), lines.map { $0.joined(separator: "\t") })
    }

    func testShardsOfARegionEndingInsideAWindowMergeIntoTheSingleRun() throws {
        let folder = TemporaryFolder()
        // 3,100 bases in windows of 300 every 150: the last window ends at 1,003,150, past the region.
        let region = "chr2R:1,000,001-1,003,100"
        let single = try plrp("run", "--region", region, "-o", folder.file("single"), "--quiet")
        XCTAssertEqual(single.status, 0, single.stderr)
        for i in 1...3 {
            let shard = try plrp("run", "--region", region, "--shard", "\(i)/3", "-o", folder.file("s\(i)"), "--quiet")
            XCTAssertEqual(shard.status, 0, shard.stderr)
        }
        let merge = try plrp("merge", folder.file("s3"), folder.file("s1"), folder.file("s2"), "-o", folder.file("merged"), "--quiet")
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let lines = try bedGraphLines(folder.file("single/relevance.bedGraph.gz"))
        XCTAssertEqual(lines.last?.split(separator: "\t")[2], "1003100")
        for file in ["relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw", "attr.npz", "windows.bed"] {
            let merged = try fileBytes(folder.file("merged/\(file)"))
            XCTAssertFalse(merged.isEmpty, file)
            XCTAssertEqual(merged, try fileBytes(folder.file("single/\(file)")), file)
        }
    }

    func testAggregationModesDiffer() throws {
        let folder = TemporaryFolder()
        var tracks: [String: [String]] = [:]
        for mode in ["mean", "max-abs", "center"] {
            let run = try explain(["--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,001,000", "--step", "75",
                                   "--aggregate", mode], into: folder.file(mode))
            XCTAssertEqual(run.status, 0, run.stderr)
            tracks[mode] = try bedGraphLines(folder.file("\(mode)/relevance.bedGraph.gz"))
        }
        XCTAssertNotEqual(tracks["mean"], tracks["max-abs"])
        XCTAssertNotEqual(tracks["mean"], tracks["center"])
        let manifest = try String(contentsOfFile: folder.file("center/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"aggregate\" : \"center\"") || manifest.contains("\"aggregate\":\"center\""), manifest)
    }

    func testReadTrackCoversOnlyTheRegionAndIsSorted() throws {
        let folder = TemporaryFolder()
        // The shipped reads lie in chr2R:2,386-10,000 (many spliced, N in their CIGARs); --window 60 holds a 45-base read.
        let run = try plrp(["explain", "--model", Repo.fixture("models/d_dilated_densebn.safetensors"), "--quiet", "-o", folder.path,
                            "--bam", Repo.reads, "--region", "chr2R:4,001-6,000", "--min-mapq", "0", "--target", "a"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = try bedGraphLines(folder.file("relevance.bedGraph.gz"))
        XCTAssertFalse(lines.isEmpty)
        var previousEnd = 0
        for line in lines {
            let f = line.split(separator: "\t")
            let (start, end) = (Int(f[1])!, Int(f[2])!)
            XCTAssertGreaterThanOrEqual(start, max(previousEnd, 4_000))
            XCTAssertLessThanOrEqual(end, 6_000)
            previousEnd = end
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("relevance.bw")))
    }

    func testNoTracksWithoutGenomeCoordinatesOrOutOfOrder() throws {
        let folder = TemporaryFolder()
        // --sequences records have no genome coordinates.
        let records = folder.file("records.fa")
        try ">a\n\(String(repeating: "ACGT", count: 75))\n>b\n\(String(repeating: "GATTACA", count: 42))GATTAC\n"
            .write(toFile: records, atomically: true, encoding: .utf8)
        var run = try explain(["--sequences", records], into: folder.file("seq"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("seq/relevance.bedGraph.gz")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("seq/attr.npz")))
        // Read regions out of order: a warning, arrays written, no track.
        run = try plrp(["explain", "--model", Repo.fixture("models/d_dilated_densebn.safetensors"), "--quiet", "--bam", Repo.reads,
                        "--region", "chr2R:6,001-8,000", "--region", "chr2R:4,001-6,000", "--min-mapq", "0", "-o", folder.file("unsorted")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("plrp: warning: --bam regions are not sorted"), run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("unsorted/attr.npz")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("unsorted/relevance.bw")))
        // --no-tracks.
        run = try explain(["--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,001,000", "--no-tracks"], into: folder.file("none"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("none/relevance.bedGraph.gz")))
    }

    func testUnsortedOverlappingGenomeRegionsGiveTheSortedRunsTrack() throws {
        let folder = TemporaryFolder()
        // Two overlapping regions given last-first, and the same windows from one sorted run: the same track.
        let regions = ["chr2R:1,000,601-1,001,500", "chr2R:1,000,001-1,000,900"]
        var run = try explain(["--fasta", Repo.genome, "--step", "150", "--target", "0", "--region", regions[0], "--region", regions[1]],
                              into: folder.file("unsorted"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("warning"), run.stderr)
        run = try explain(["--fasta", Repo.genome, "--step", "150", "--target", "0", "--region", regions[1], "--region", regions[0]],
                          into: folder.file("sorted"))
        XCTAssertEqual(run.status, 0, run.stderr)
        let unsorted = try bedGraphLines(folder.file("unsorted/relevance.bedGraph.gz"))
        XCTAssertFalse(unsorted.isEmpty)
        XCTAssertEqual(unsorted, try bedGraphLines(folder.file("sorted/relevance.bedGraph.gz")))
        let manifest = try String(contentsOfFile: folder.file("unsorted/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("sorted after the run"), manifest)
    }

    func testPerReadBEDListsEveryReadWithItsTotalRelevance() throws {
        let folder = TemporaryFolder()
        let run = try plrp(["explain", "--model", Repo.fixture("models/d_dilated_densebn.safetensors"), "--quiet", "-o", folder.path,
                            "--bam", Repo.reads, "--region", "chr2R:4,001-6,000", "--min-mapq", "0", "--target", "a", "--per-read"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let reads = try String(contentsOfFile: folder.file("reads.bed"), encoding: .utf8).split(separator: "\n")
        let windows = try String(contentsOfFile: folder.file("windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(reads.first, "#chrom\tstart\tend\tname\tscore\tstrand\trelevance")
        XCTAssertEqual(reads.count, windows.count + 1)
        let attr = try NPZReader.read(path: folder.file("attr.npz"))
        let row = 4 * attr.shape[2]
        for (i, line) in reads.dropFirst().enumerated() {
            let fields = line.split(separator: "\t")
            XCTAssertEqual(fields.prefix(6).joined(separator: "\t"), String(windows[i]))
            let total = attr.values[(i * row)..<((i + 1) * row)].reduce(0, +)
            XCTAssertEqual(Float(fields[6])!, total, accuracy: 1e-4 * max(1, abs(total)))
        }
        let bad = try plrp(["explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1-1000", "--per-read", "-o", folder.file("x")])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "plrp: error: --per-read needs --bam input\n")
    }

    func testTargetAllWritesATrackPerOutput() throws {
        let folder = TemporaryFolder()
        let run = try plrp(["explain", "--model", Repo.fixture("models/a_bn_pools.safetensors"), "--quiet", "-o", folder.path,
                            "--fasta", Repo.genome, "--region", "chr2R:1,000,001-1,000,400", "--target", "all"])
        XCTAssertEqual(run.status, 0, run.stderr)
        var tracks: [[String]] = []
        for output in ["t0", "t1", "t2"] {
            for suffix in [".bedGraph.gz", ".bedGraph.gz.tbi", ".bw"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("relevance.\(output)\(suffix)")), output + suffix)
            }
            tracks.append(try bedGraphLines(folder.file("relevance.\(output).bedGraph.gz")))
        }
        XCTAssertNotEqual(tracks[0], tracks[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("relevance.bw")))
    }
}

/// chr2R of dm3, as the shipped FASTA index gives it.
enum FastaFileLength {
    static let chr2R = 21_146_708
}
