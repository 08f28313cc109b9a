import Foundation
import TestSupport
import XCTest

/// `plrp simulate` and `plrp motifs`: outputs, determinism and bad input.
final class MotifsCommandTests: XCTestCase {
    let database = Repo.path("data/motifs/JASPAR2026_CORE_insects.meme")

    func testSimulatePlantsSitesTheLabelsAndPFMsAgreeWith() throws {
        let folder = TemporaryFolder()
        for name in ["a", "b"] {
            let run = try plrp("simulate", "--motifs", database, "--ids", "MA0085.2,MA0452.3", "--n", "200", "--length", "80",
                               "--seed", "9", "-o", folder.file(name), "--quiet")
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        for file in ["sequences.fa", "labels.tsv", "ground_truth.bed"] {
            XCTAssertEqual(try fileBytes(folder.file("a/\(file)")), try fileBytes(folder.file("b/\(file)")), "same seed, same \(file)")
        }
        var sequences: [String: [Character]] = [:]
        var name = ""
        for line in try String(contentsOfFile: folder.file("a/sequences.fa"), encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix(">") { name = String(line.dropFirst()); sequences[name] = [] } else { sequences[name]! += Array(line) }
        }
        XCTAssertEqual(sequences.count, 200)
        XCTAssertTrue(sequences.values.allSatisfy { $0.count == 80 })
        let labels = try String(contentsOfFile: folder.file("a/labels.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(labels.first, "name\tMA0085.2\tMA0452.3")
        var labelled: [String: [Substring]] = [:]
        for line in labels.dropFirst() { let f = line.split(separator: "\t"); labelled[String(f[0])] = Array(f.dropFirst()) }
        // Su(H) (MA0085.2) columns 1–3 are T, G, T with p > 0.8; its sites must read so on their strand.
        var carried = Set<String>()
        for line in try String(contentsOfFile: folder.file("a/ground_truth.bed"), encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            let (start, end) = (Int(f[1])!, Int(f[2])!)
            XCTAssertTrue(start >= 0 && end <= 80)
            carried.insert("\(f[0])|\(f[3])")
            XCTAssertEqual(end - start, f[3] == "MA0085.2" ? 10 : 9)
        }
        for (sequence, values) in labelled {
            XCTAssertEqual(values[0] == "1", carried.contains("\(sequence)|MA0085.2"))
            XCTAssertEqual(values[1] == "1", carried.contains("\(sequence)|MA0452.3"))
        }
        let positives = labelled.values.filter { $0[0] == "1" }.count
        XCTAssertTrue((60...140).contains(positives), "rate 0.5 of 200: \(positives)")
    }

    func testMotifsOutputsOnAShippedModelRun() throws {
        let folder = TemporaryFolder()
        var run = try plrp("explain", "--model", Repo.path("data/models/default.safetensors"), "--fasta", Repo.genome,
                           "--region", "chr2R:1,000,001-1,060,000", "--step", "150", "--prune", "0.5", "-o", folder.file("x"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("motifs", "--input", folder.file("x"), "--database", database, "--min-seqlets", "5", "-o", folder.file("m"))
        XCTAssertEqual(run.status, 0, run.stderr)
        for file in ["seqlets.bed", "motifs.meme", "cwms.tsv", "matches.tsv", "instances.bed", "report.html", "manifest.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("m/\(file)")), file)
        }
        let seqlets = try String(contentsOfFile: folder.file("m/seqlets.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(seqlets[0].hasPrefix("# plrp"))
        XCTAssertTrue(seqlets.contains { $0.contains("windowed-FDR seqlet caller") })
        let rows = seqlets.filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t") }
        XCTAssertFalse(rows.isEmpty)
        for f in rows {
            // BED9 in genome coordinates inside the explained span, core inside the seqlet.
            XCTAssertEqual(f.count, 9)
            XCTAssertEqual(f[0], "chr2R")
            let (start, end, thickStart, thickEnd) = (Int(f[1])!, Int(f[2])!, Int(f[6])!, Int(f[7])!)
            XCTAssertTrue(start >= 1_000_000 && end <= 1_060_150 && start <= thickStart && thickStart < thickEnd && thickEnd <= end)
        }
        // motifs.meme reads back as a database.
        let meme = try String(contentsOfFile: folder.file("m/motifs.meme"), encoding: .utf8)
        XCTAssertTrue(meme.hasPrefix("MEME version 4\n\nALPHABET= ACGT"))
        let instances = try String(contentsOfFile: folder.file("m/instances.bed"), encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
        XCTAssertEqual(instances.count, meme.components(separatedBy: "nsites= ").dropFirst()
            .reduce(0) { $0 + Int($1.prefix { $0.isNumber })! })
        // Windows every 150 bp of 300 see sites twice; each is one seqlet: no two cores of one sign overlap.
        XCTAssertTrue(seqlets.contains { $0.hasPrefix("# sites:") })
        for sign in ["pos", "neg"] {
            let cores = rows.filter { $0[3].hasPrefix(sign + "|") }.map { (Int($0[6])!, Int($0[7])!) }.sorted { $0.0 < $1.0 }
            for (a, b) in zip(cores, cores.dropFirst()) { XCTAssertLessThanOrEqual(a.1, b.0, "\(sign) cores \(a) and \(b) overlap") }
        }
        // A self-contained page: inline SVG, nothing fetched; what was explained, and a summary linking every motif.
        let html = try String(contentsOfFile: folder.file("m/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertFalse(html.contains("src=") || html.contains("href=\"http") || html.contains("<script"))
        XCTAssertTrue(html.contains("<table id=\"source\">") && html.contains("default.safetensors") && html.contains("PLRP-λ p = 0.5"))
        XCTAssertTrue(html.contains("<table id=\"summary\">"))
        let ids = meme.split(separator: "\n").filter { $0.hasPrefix("MOTIF ") }.map { $0.split(separator: " ")[1] }
        XCTAssertFalse(ids.isEmpty)
        for id in ids {
            XCTAssertTrue(html.contains("<td><a href=\"#\(id)\">\(id)</a></td>") && html.contains("<h3 id=\"\(id)\">"), String(id))
        }
    }

    func testBadInputGivesOneClearError() throws {
        let folder = TemporaryFolder()
        let bad = folder.file("bad.meme")
        try "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF m1 x\nletter-probability matrix: alength= 4 w= 2\n 0.25 0.25 0.25 0.25\n 0.7 0.2 0.2 0.1\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let empty = folder.file("empty.meme")
        try "MEME version 4\n\nALPHABET= ACGT\n".write(toFile: empty, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder.file("not_explain"), withIntermediateDirectories: true)
        let cases: [([String], String)] = [
            (["simulate", "--motifs", bad, "--ids", "m1", "-o", folder.file("o1")], "\(bad):8: probabilities of motif m1 sum to 1.2"),
            (["simulate", "--motifs", empty, "--ids", "m1", "-o", folder.file("o2")], "'\(empty)' holds no motifs"),
            (["motifs", "--input", folder.file("not_explain"), "-o", folder.file("o3")], "has no windows.bed"),
            (["motifs", "--input", folder.file("missing"), "-o", folder.file("o4")], "is not a folder"),
        ]
        // Out-of-range motif rules are usage errors (exit 2), before anything is read.
        let usage: [([String], String)] = [
            (["motifs", "--input", folder.file("not_explain"), "--negatives", "sometimes", "-o", folder.file("o5")],
             "--negatives must be one of output-on, everywhere, none"),
            (["motifs", "--input", folder.file("not_explain"), "--min-core-bits", "3", "-o", folder.file("o6")], "--min-core-bits in [0, 2]"),
            (["motifs", "--input", folder.file("not_explain"), "--min-fraction", "1", "-o", folder.file("o7")], "--min-fraction must be in [0, 1)"),
        ]
        for (arguments, message) in usage {
            let run = try plrp(arguments)
            XCTAssertEqual(run.status, 2, arguments.joined(separator: " "))
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: ") && run.stderr.contains(message), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: arguments.last!), "no output left behind")
        }
        for (arguments, message) in cases {
            let run = try plrp(arguments)
            XCTAssertEqual(run.status, 1, arguments.joined(separator: " "))
            let lines = run.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("plrp: error: ") && run.stderr.contains(message), run.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: arguments.last!), "no output left behind")
        }
    }
}
