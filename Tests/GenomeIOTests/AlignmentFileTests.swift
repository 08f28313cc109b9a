import GenomeIO
import TestSupport
import XCTest

/// The reader against `samtools view` on the same file, region and filters.
final class AlignmentFileTests: XCTestCase {
    struct SamRecord: Equatable {
        var name: String
        var reverse: Bool
        var start: Int
        var cigar: String
        var sequence: String
        var positions: [Int]
    }

    /// Parses SAM text and projects each read onto the reference from its CIGAR string, written independently of
    /// `AlignedRead.referencePositions`.
    func samtoolsRecords(_ arguments: [String]) throws -> [SamRecord] {
        let result = try runProcess("samtools", ["view"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdoutText.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let start = Int(f[3])! - 1
            var positions: [Int] = []
            var ref = start
            var number = 0
            if f[5] == "*" { positions = Array(repeating: -1, count: f[9].count) }
            for ch in f[5] where f[5] != "*" {
                if let digit = ch.wholeNumberValue { number = number * 10 + digit; continue }
                switch ch {
                case "M", "=", "X": positions += (0..<number).map { ref + $0 }; ref += number
                case "I", "S": positions += Array(repeating: -1, count: number)
                case "D", "N": ref += number
                default: break
                }
                number = 0
            }
            return SamRecord(name: f[0], reverse: Int(f[1])! & 16 != 0, start: start, cigar: f[5],
                             sequence: f[9], positions: positions)
        }
    }

    func ourRecords(_ path: String, region: String, filter: ReadFilter, reference: String? = nil) throws -> [SamRecord] {
        let file = try AlignmentFile(path: path, reference: reference)
        var records: [SamRecord] = []
        try file.forEachRead(in: try RegionSyntax.parse(region, contigs: file.contigs), filter: filter) { read in
            records.append(SamRecord(name: read.name, reverse: read.isReverse, start: read.start, cigar: read.cigarString,
                                     sequence: String(decoding: read.sequence, as: UTF8.self),
                                     positions: read.referencePositions()))
        }
        return records
    }

    func testShippedBAMMatchesSamtoolsWithoutMapqFilter() throws {
        let ours = try ourRecords(Repo.reads, region: "chr2R", filter: ReadFilter(minMappingQuality: 0))
        let theirs = try samtoolsRecords(["-F", "0xF04", Repo.reads, "chr2R"])
        XCTAssertEqual(ours.count, 600)
        XCTAssertEqual(ours, theirs)
        XCTAssertTrue(ours.contains { $0.cigar.contains("N") }, "spliced reads are covered")
        XCTAssertTrue(ours.contains { $0.reverse })
    }

    func testShippedBAMDefaultFilterMatchesSamtools() throws {
        let ours = try ourRecords(Repo.reads, region: "chr2R:1-21146708", filter: ReadFilter())
        XCTAssertEqual(ours, try samtoolsRecords(["-q", "10", "-F", "0xF04", Repo.reads, "chr2R:1-21146708"]))
        XCTAssertFalse(ours.isEmpty)
    }

    func testSubRegionMatchesSamtools() throws {
        let region = "chr2R:10,000,000-15,000,000"
        let ours = try ourRecords(Repo.reads, region: region, filter: ReadFilter(minMappingQuality: 0))
        XCTAssertEqual(ours, try samtoolsRecords(["-F", "0xF04", Repo.reads, "chr2R:10000000-15000000"]))
    }

    func testFlagsMapqAndCigarsMatchSamtools() throws {
        let bam = Repo.fixture("cigar_flags.bam")
        let ours = try ourRecords(bam, region: "chr2R:1000001-1001000", filter: ReadFilter())
        XCTAssertEqual(ours, try samtoolsRecords(["-q", "10", "-F", "0xF04", bam, "chr2R:1000001-1001000"]))
        XCTAssertEqual(ours.map(\.name), ["plain_fwd", "plain_rev", "softclip", "insertion", "deletion", "splice",
                                          "hardclip", "eqx", "mapq10", "paired_first"])
        let everything = try ourRecords(bam, region: "chr2R", filter: ReadFilter(minMappingQuality: 0, excludedFlags: 0))
        XCTAssertEqual(everything, try samtoolsRecords([bam, "chr2R"]))
        XCTAssertEqual(everything.count, 16)
        let paired = try ourRecords(bam, region: "chr2R", filter: ReadFilter(requiredFlags: 0x40))
        XCTAssertEqual(paired.map(\.name), ["paired_first"])
    }

    func testSpecificPositionMaps() throws {
        let reads = try ourRecords(Repo.fixture("cigar_flags.bam"), region: "chr2R", filter: ReadFilter())
        let insertion = try XCTUnwrap(reads.first { $0.name == "insertion" })
        XCTAssertEqual(Array(insertion.positions[13..<21]), [1_000_263, 1_000_264, -1, -1, -1, -1, 1_000_265, 1_000_266])
        let splice = try XCTUnwrap(reads.first { $0.name == "splice" })
        XCTAssertEqual(splice.positions[9], 1_000_359)
        XCTAssertEqual(splice.positions[10], 1_000_660)
    }

    func testCRAMWithReferenceMatchesSamtools() throws {
        let cram = Repo.fixture("cigar_flags.cram")
        let ours = try ourRecords(cram, region: "chr2R", filter: ReadFilter(), reference: Repo.genome)
        let theirs = try samtoolsRecords(["-T", Repo.genome, "-q", "10", "-F", "0xF04", cram, "chr2R"])
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(ours.count, 10)
    }

    func testCRAMWithoutReferenceIsAUsageError() {
        XCTAssertThrowsError(try AlignmentFile(path: Repo.fixture("cigar_flags.cram"))) { error in
            XCTAssertEqual((error as? GenomeIOError)?.kind, .usage)
            XCTAssertTrue("\(error)".contains("--reference"), "\(error)")
        }
    }

    func testMissingIndex() {
        XCTAssertThrowsError(try AlignmentFile(path: Repo.fixture("no_index.bam"))) { error in
            XCTAssertTrue("\(error)".contains("has no index"), "\(error)")
        }
    }

    func testCentredWindows() throws {
        let file = try AlignmentFile(path: Repo.fixture("cigar_flags.bam"))
        var windows: [String] = []
        try file.forEachRead(in: GenomicRegion(contig: "chr2R", start: 1_000_100, end: 1_000_101), filter: ReadFilter()) { read in
            var short: [UInt8] = []
            read.appendCentred(length: 44, to: &short)
            var long: [UInt8] = []
            read.appendCentred(length: 10, to: &long)
            XCTAssertEqual(Array(short[2..<42]), read.sequence)
            XCTAssertEqual(String(decoding: short.prefix(2) + short.suffix(2), as: UTF8.self), "NNNN")
            XCTAssertEqual(long, Array(read.sequence[15..<25]))
            windows.append(read.name)
        }
        XCTAssertEqual(windows, ["plain_fwd"])
    }
}
