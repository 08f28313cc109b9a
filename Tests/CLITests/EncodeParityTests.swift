import Encoding
import Foundation
import GenomeIO
import TestSupport
import Tracks
import XCTest

/// `plrp encode` against `samtools faidx`, base for base, on the shipped genome (BGZF) and a plain copy of it.
final class EncodeParityTests: XCTestCase {
    static let contigLength = 21_146_708
    static let window = 200

    /// 500 seeded random regions of 1–450 bases, a few of them running up to the contig end.
    func randomRegions() -> [(start: Int, end: Int)] {
        var rng = SeededGenerator(seed: 2024)
        var regions: [(Int, Int)] = []
        for i in 0..<500 {
            let length = Int.random(in: 1...450, using: &rng)
            let start = i % 50 == 0
                ? Self.contigLength - length
                : Int.random(in: 0..<(Self.contigLength - length), using: &rng)
            regions.append((start, start + length))
        }
        return regions
    }

    /// The windows the pad policy should give, spelled out independently of `WindowPlan`.
    func expectedWindows(_ regions: [(start: Int, end: Int)]) -> [(start: Int, end: Int)] {
        var windows: [(Int, Int)] = []
        for region in regions {
            var start = region.start
            repeat {
                windows.append((start, min(start + Self.window, Self.contigLength)))
                start += Self.window
            } while start < region.end  // with step = window, pad continues until a window reaches the end
        }
        return windows
    }

    func checkAgainstSamtools(fasta: String) throws {
        let folder = TemporaryFolder()
        let regions = randomRegions()
        let bed = regions.map { "chr2R\t\($0.start)\t\($0.end)\n" }.joined()
        try bed.write(toFile: folder.file("regions.bed"), atomically: true, encoding: .utf8)
        let out = folder.file("out")
        let run = try plrp("encode", "--fasta", fasta, "--regions", folder.file("regions.bed"),
                           "--window", "\(Self.window)", "-o", out)
        XCTAssertEqual(run.status, 0, run.stderr)

        // windows.bed: input order, the windows the pad policy implies.
        let rows = try String(contentsOfFile: out + "/windows.bed", encoding: .utf8).split(separator: "\n")
        let expected = expectedWindows(regions)
        XCTAssertEqual(rows.count, expected.count)
        for (row, window) in zip(rows, expected) {
            XCTAssertEqual(String(row), "chr2R\t\(window.start)\t\(window.end)\tchr2R:\(window.start)-\(window.end)(+)\t0\t+")
        }

        // Sequences: samtools on every window, N past the contig end.
        let list = expected.map { "chr2R:\($0.start + 1)-\($0.end)" }.joined(separator: "\n") + "\n"
        try list.write(toFile: folder.file("windows.txt"), atomically: true, encoding: .utf8)
        let samtools = try runProcess("samtools", ["faidx", "-n", "1000000", fasta, "-r", folder.file("windows.txt")])
        XCTAssertEqual(samtools.status, 0, samtools.stderr)
        let sequences = samtools.stdoutText.split(separator: "\n").filter { !$0.hasPrefix(">") }
        XCTAssertEqual(sequences.count, expected.count)

        let array = try NPZReader.read(path: out + "/ohe.npz")
        XCTAssertEqual(array.shape, [expected.count, 4, Self.window])
        let batch = OneHotBatch(count: expected.count, length: Self.window, values: array.values)
        var mismatches = 0
        var padded = 0
        for (i, sequence) in sequences.enumerated() {
            let reference = String(sequence.uppercased().map { "ACGT".contains($0) ? $0 : "N" })
            let full = reference + String(repeating: "N", count: Self.window - reference.count)
            padded += Self.window - reference.count
            if batch.decode(window: i) != full { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertGreaterThan(padded, 0, "some windows run past the contig end")
    }

    func testBGZFMatchesSamtools() throws {
        try checkAgainstSamtools(fasta: Repo.genome)
    }

    func testPlainFastaMatchesSamtoolsAndGetsIndexed() throws {
        let folder = TemporaryFolder()
        let plain = folder.file("chr2R.fa")
        let unzip = try runProcess("sh", ["-c", "gzip -dc '\(Repo.genome)' > '\(plain)'"])
        XCTAssertEqual(unzip.status, 0, unzip.stderr)
        try checkAgainstSamtools(fasta: plain)
        XCTAssertTrue(FileManager.default.fileExists(atPath: plain + ".fai"), "the .fai was built")
    }

    func testStdoutStreamEqualsArchive() throws {
        let folder = TemporaryFolder()
        let args = ["encode", "--fasta", Repo.genome, "--region", "chr2R:2,000,001-2,010,000", "--window", "500",
                    "--step", "250"]
        let file = try plrp(args + ["-o", folder.file("out")])
        XCTAssertEqual(file.status, 0, file.stderr)
        let stream = try plrp(args + ["-o", "-", "--quiet"])
        XCTAssertEqual(stream.status, 0, stream.stderr)
        XCTAssertEqual(stream.stderr, "")
        let archive = try NPZReader.read(path: folder.file("out/ohe.npz"))
        XCTAssertEqual(archive.shape, [39, 4, 500])
        // The .npy stream is the archive's member: same header, same bytes.
        let headerLength = stream.stdout.count - archive.values.count * 4
        let streamed = stream.stdout.dropFirst(headerLength).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(streamed, archive.values)
    }

    func testNumpyReadsTheArchive() throws {
        let probe = try runProcess("python3", ["-c", "import numpy"])
        try XCTSkipIf(probe.status != 0, "numpy is not installed")
        let folder = TemporaryFolder()
        let run = try plrp("encode", "--fasta", Repo.genome, "--region", "chr2R:100-700", "--window", "100",
                           "-o", folder.path, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let script = """
        import numpy as np, sys
        a = np.load(sys.argv[1])['arr_0']
        assert a.dtype == np.float32 and a.shape == (7, 4, 100), (a.dtype, a.shape)
        print(''.join('ACGT'[c] if a[0, c, i] == 1 else '' for i in range(100) for c in range(4))[:20])
        """
        let check = try runProcess("python3", ["-c", script, folder.file("ohe.npz")])
        XCTAssertEqual(check.status, 0, check.stderr)
        let fasta = try FastaFile(path: Repo.genome)
        let expected = try fasta.sequence(of: GenomicRegion(contig: "chr2R", start: 99, end: 119)).uppercased()
        XCTAssertEqual(check.stdoutText, expected + "\n")
    }

    func testSkipEdgesAreRecorded() throws {
        let folder = TemporaryFolder()
        let run = try plrp("encode", "--fasta", Repo.genome, "--region", "chr2R:1-1050", "--window", "100",
                           "--step", "100", "--edges", "skip", "-o", folder.path, "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try NPZReader.read(path: folder.file("ohe.npz")).shape, [10, 4, 100])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("manifest.json")))) as? [String: Any]
        let parameters = manifest?["parameters"] as? [String: Any]
        XCTAssertEqual(parameters?["edges"] as? String, "skip")
        XCTAssertEqual((manifest?["results"] as? [String: Any])?["windows"] as? Int, 10)
    }

    func testRelativePathsAndClippedRegion() throws {
        let folder = TemporaryFolder()
        let run = try runProcess(Repo.binary, ["encode", "--fasta", Repo.genome, "--region", "chr2R:21146000-21147000",
                                               "--window", "100", "-o", "out"], currentDirectory: folder.path)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("plrp: warning: region 'chr2R:21146000-21147000'"), run.stderr)
        XCTAssertTrue(run.stderr.contains("clipped to chr2R:21146000-21146708"), run.stderr)
        let rows = try String(contentsOfFile: folder.file("out/windows.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.last, "chr2R\t21146699\t21146708\tchr2R:21146699-21146708(+)\t0\t+")
    }
}
