import Foundation
import TestSupport
import XCTest

/// Bad data and bad usage across every subcommand: exit 1 (data) or 2 (usage), one `plrp: error:` line naming the
/// file, line or region at fault, nothing on stdout, and no output left behind.
final class BadInputBatteryTests: XCTestCase {
    struct Case {
        let arguments: [String]
        let code: Int32
        let mentions: [String]
    }

    func testEverySubcommandFailsCleanly() throws {
        let folder = TemporaryFolder()
        let out = folder.file("out")
        func file(_ name: String, _ text: String) -> String {
            let path = folder.file(name)
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return path
        }
        let model = Repo.path("data/models/default.safetensors")
        let small = Repo.fixture("models/d_dilated_densebn.safetensors")  // input 60
        let db = Repo.path("data/motifs/JASPAR2026_CORE_insects.meme")
        let empty = file("empty.fa", "")
        let headerOnly = file("header.fa", ">only\n")
        let mixed = file("mixed.fa", ">a\n\(String(repeating: "A", count: 60))\n>b\n\(String(repeating: "C", count: 59))\n")
        let alphabet = file("alphabet.fa", ">a\n\(String(repeating: "A", count: 59))Z\n")
        let shortBED = file("short.bed", "chr2R\t100\n")
        let offContig = file("off.bed", "chr2R\t30000000\t30000100\n")
        let labels = file("labels.tsv", "name\tt\nx\t2\n")
        let corruptGz = file("corrupt.fa.gz", "\u{1f}\u{8b}\u{8}\u{4}garbage that is not a BGZF block")
        let notBAM = file("not.bam", "this is not a BAM file")
        let badModel = file("bad.safetensors", "\u{8}\0\0\0\0\0\0\0{\"a\":1}")
        let hugeHeader = file("huge.safetensors", "\u{ff}\u{ff}\u{ff}\u{ff}\u{ff}\u{ff}\u{ff}\u{7f}{}")
        let badMEME = file("bad.meme", "MEME version 4\n\nMOTIF m\nletter-probability matrix: alength= 4 w= 1\n 0.9 0.9 0.1 0.1\n")
        let badONNX = file("bad.onnx", "not a protobuf at all \u{1}\u{2}")
        let aFile = file("a_file", "x")
        let cases: [Case] = [
            Case(arguments: ["encode", "--sequences", empty, "-o", out], code: 1, mentions: [empty, "no records"]),
            Case(arguments: ["encode", "--sequences", headerOnly, "-o", out], code: 1, mentions: [headerOnly]),
            Case(arguments: ["explain", "--model", small, "--sequences", mixed, "-o", out], code: 1, mentions: [mixed, "'b'", "59 bases"]),
            Case(arguments: ["predict", "--model", small, "--sequences", alphabet, "-o", out], code: 1, mentions: [alphabet, "'Z'"]),
            Case(arguments: ["encode", "--fasta", Repo.genome, "--regions", shortBED, "--window", "50", "-o", out], code: 1, mentions: ["\(shortBED):1:"]),
            Case(arguments: ["explain", "--model", model, "--fasta", Repo.genome, "--regions", offContig, "-o", out], code: 1, mentions: ["\(offContig):1", "chr2R"]),
            Case(arguments: ["predict", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1-1000", "--threads", "0", "-o", out], code: 2, mentions: ["--threads"]),
            Case(arguments: ["explain", "--model", model, "--fasta", corruptGz, "-o", out], code: 1, mentions: [corruptGz]),
            Case(arguments: ["explain", "--model", small, "--bam", notBAM, "--region", "chr2R", "-o", out], code: 1, mentions: [notBAM]),
            Case(arguments: ["explain", "--model", small, "--bam", Repo.fixture("no_index.bam"), "--region", "chr1", "-o", out], code: 1, mentions: ["no_index.bam", "index"]),
            Case(arguments: ["explain", "--model", badModel, "--fasta", Repo.genome, "-o", out], code: 1, mentions: [badModel]),
            Case(arguments: ["model", "inspect", hugeHeader], code: 1, mentions: [hugeHeader]),
            Case(arguments: ["model", "import", badONNX, "-o", out], code: 1, mentions: [badONNX]),
            Case(arguments: ["train", "--sequences", mixed, "--labels", labels, "-o", out], code: 1, mentions: [labels, "2"]),
            Case(arguments: ["simulate", "--motifs", badMEME, "--ids", "m", "-o", out], code: 1, mentions: ["\(badMEME):5"]),
            Case(arguments: ["simulate", "--motifs", db, "--ids", "MA0085.2", "--length", "5", "-o", out], code: 2, mentions: ["--length 5"]),
            Case(arguments: ["motifs", "--input", folder.path, "-o", out], code: 1, mentions: ["has no windows.bed"]),
            Case(arguments: ["motifs", "--input", folder.path, "--fdr", "2", "-o", out], code: 2, mentions: ["--fdr"]),
            Case(arguments: ["evaluate", "--model", small, "--sequences", empty, "-o", out], code: 1, mentions: [empty]),
            Case(arguments: ["run", "--region", "chr2R:1-1000", "--shard", "4/3", "-o", out], code: 2, mentions: ["--shard '4/3'"]),
            Case(arguments: ["run", "--region", "chrX:1-1000", "-o", out], code: 1, mentions: ["chrX"]),
            Case(arguments: ["merge", folder.path, "-o", out], code: 1, mentions: ["manifest.json"]),
            Case(arguments: ["query", "chr2R:5-1", "--results", folder.path], code: 2, mentions: ["chr2R:5-1"]),
            Case(arguments: ["query", "chr2R:1-2000", "--results", folder.path], code: 1, mentions: ["has no relevance.bedGraph.gz"]),
            Case(arguments: ["encode", "--fasta", Repo.genome, "--region", "chr2R:1-100", "--window", "50", "-o", aFile + "/sub"], code: 1, mentions: [aFile]),
            Case(arguments: ["explain", "--model", model, "--fasta", Repo.genome, "--region", "chr2R:1-1000", "-o", "/proc/plrp-out"], code: 1, mentions: ["/proc/plrp-out"]),
            Case(arguments: ["explain", "--model", model, "--fasta", Repo.genome, "--window", "200", "-o", out], code: 2, mentions: ["--window 200", "300"]),
        ]
        XCTAssertGreaterThanOrEqual(cases.count, 25)
        for c in cases {
            let run = try plrp(c.arguments)
            let label = c.arguments.joined(separator: " ")
            XCTAssertEqual(run.status, c.code, "\(label): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "\(label): one line, got \(run.stderr)")
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: "), "\(label): \(run.stderr)")
            for fragment in c.mentions {
                XCTAssertTrue(run.stderr.contains(fragment), "\(label): '\(fragment)' in \(run.stderr)")
            }
            XCTAssertTrue(run.stdout.isEmpty, label)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(label): output left behind")
        }
    }

    func testCRLFInputsAreAccepted() throws {
        let folder = TemporaryFolder()
        let fasta = folder.file("crlf.fa"), bed = folder.file("crlf.bed")
        try ">a\r\n\(String(repeating: "ACGT", count: 15))\r\n>b\r\n\(String(repeating: "GATC", count: 15))\r\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        try "chr2R\t1000\t1100\r\nchr2R\t2000\t2100\r\n".write(toFile: bed, atomically: true, encoding: .utf8)
        var run = try plrp("predict", "--model", Repo.fixture("models/d_dilated_densebn.safetensors"), "--sequences", fasta, "-o", folder.file("p.tsv"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try String(contentsOfFile: folder.file("p.tsv"), encoding: .utf8).split(separator: "\n").count, 3)
        run = try plrp("encode", "--fasta", Repo.genome, "--regions", bed, "--window", "100", "-o", folder.file("e"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try String(contentsOfFile: folder.file("e/windows.bed"), encoding: .utf8).split(separator: "\n").count, 2)
    }
}
