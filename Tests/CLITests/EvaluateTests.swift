import Encoding
import Foundation
import TestSupport
import Tracks
import XCTest

/// `plrp evaluate` end to end on simulated sequences and a fixture model (input 60 bp, outputs a and b).
final class EvaluateTests: XCTestCase {
    let model = Repo.fixture("models/d_dilated_densebn.safetensors")

    func testTableRowsPlotsAndAnIndependentRMA() throws {
        let folder = TemporaryFolder()
        var run = try plrp("simulate", "--motifs", Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"), "--ids", "MA0085.2",
                           "--n", "24", "--length", "60", "--seed", "5", "-o", folder.file("sim"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try plrp("evaluate", "--model", model, "--sequences", folder.file("sim/sequences.fa"), "--ground-truth",
                       folder.file("sim/ground_truth.bed"), "--prune-grid", "0,0.25,0.5", "--target", "a", "--robustness-samples", "3",
                       "-o", folder.file("eval"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let rows = try String(contentsOfFile: folder.file("eval/metrics.tsv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows[0].joined(separator: "\t"), "method\tp\trma\tgini\taopc\taopc_random\tmax_sensitivity\tism_pearson\tseconds_per_window")
        XCTAssertEqual(rows.dropFirst().map { "\($0[0]) \($0[1])" },
                       ["lrp 0", "plrp-lambda 0.25", "plrp-lambda 0.5", "plrp-m 0.25", "plrp-m 0.5", "deeplift-shap 0", "gradient-x-input 0",
                        "saliency 0", "ism 0"])
        for row in rows.dropFirst() {
            XCTAssertTrue((0...1).contains(Double(row[2])!), "rma \(row)")
            XCTAssertTrue((0...1).contains(Double(row[3])!), "gini \(row)")
            XCTAssertEqual(row[6] == "NA", row[0] == "ism", "max-sensitivity is left out for ISM only")
        }
        XCTAssertEqual(Double(rows.last![7])!, 1, accuracy: 1e-9, "ISM agrees with itself")
        let labels = try String(contentsOfFile: folder.file("sim/labels.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let carriers = labels.filter { $0.hasSuffix("\t1") }.map { String($0.split(separator: "\t")[0]) }
        let perSequence = try String(contentsOfFile: folder.file("eval/per_sequence.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(perSequence.count, 1 + 9 * carriers.count)
        for plot in ["rma_vs_p.svg", "gini_vs_p.svg", "faithfulness.svg", "example.svg"] {
            let svg = try String(contentsOfFile: folder.file("eval/\(plot)"), encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"), plot)
        }

        // LRP's RMA recomputed from `plrp explain` of the same sequences: same composite, same target.
        run = try plrp("explain", "--model", model, "--sequences", folder.file("sim/sequences.fa"), "--target", "a",
                       "--prune", "0", "-o", folder.file("x"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let attr = try NPZReader.read(path: folder.file("x/attr.npz"))
        let names = try WindowsBED.read(path: folder.file("x/windows.bed")).map(\.name)
        var sites: [String: [(Int, Int)]] = [:]
        for line in try String(contentsOfFile: folder.file("sim/ground_truth.bed"), encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            sites[String(f[0]), default: []].append((Int(f[1])!, Int(f[2])!))
        }
        var rmas: [Double] = []
        for (i, name) in names.enumerated() {
            guard let spans = sites[name] else { continue }
            let r = BaseSums.of(attr.values[(i * 240)..<((i + 1) * 240)], length: 60)
            var inside = 0.0, total = 0.0
            for (p, v) in r.enumerated() where v > 0 {
                total += Double(v)
                if spans.contains(where: { p >= $0.0 && p < $0.1 }) { inside += Double(v) }
            }
            rmas.append(total > 0 ? inside / total : 0)
        }
        XCTAssertEqual(rmas.count, carriers.count)
        XCTAssertEqual(Double(rows[1][2])!, rmas.reduce(0, +) / Double(rmas.count), accuracy: 1e-4)
    }

    func testBadInput() throws {
        let folder = TemporaryFolder()
        let fasta = folder.file("s.fa"), bed = folder.file("gt.bed")
        try ">s1\n\(String(repeating: "ACGT", count: 15))\n".write(toFile: fasta, atomically: true, encoding: .utf8)
        try "other\t3\t9\n".write(toFile: bed, atomically: true, encoding: .utf8)
        var run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "-o", folder.file("o"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("no sequence of"), run.stderr)
        run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "--prune-grid", "0,1.5", "-o", folder.file("o"))
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("--prune-grid"), run.stderr)
        try "s1\tx\t9\n".write(toFile: bed, atomically: true, encoding: .utf8)
        run = try plrp("evaluate", "--model", model, "--sequences", fasta, "--ground-truth", bed, "-o", folder.file("o"))
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("\(bed):1:"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("o")))
    }
}
