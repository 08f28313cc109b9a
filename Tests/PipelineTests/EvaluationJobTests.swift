import Foundation
import Pipeline
import TestSupport
import XCTest

/// `SimulationJob` and `EvaluationJob` in process, on a fixture model (input 60 bp, outputs a and b).
final class EvaluationJobTests: XCTestCase {
    let model = Repo.fixture("models/d_dilated_densebn.safetensors")

    func simulate(into path: String) throws -> Int {
        var job = SimulationJob(database: Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"), ids: ["MA0085.2"])
        job.count = 24
        job.length = 60
        job.seed = 5
        return try job.run(out: path)
    }

    func testSimulationPlantsWhatItsLabelsAndGroundTruthSay() throws {
        let folder = TemporaryFolder()
        let sites = try simulate(into: folder.file("sim"))
        let labels = try String(contentsOfFile: folder.file("sim/labels.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(labels.count, 25)
        XCTAssertEqual(labels[0], "name\tMA0085.2")
        let carriers = Set(labels.dropFirst().filter { $0.hasSuffix("\t1") }.map { String($0.split(separator: "\t")[0]) })
        let truth = try String(contentsOfFile: folder.file("sim/ground_truth.bed"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(truth.count, sites)
        XCTAssertEqual(Set(truth.map { String($0.split(separator: "\t")[0]) }), carriers, "one site per carrier, none elsewhere")
        let records = try FastaRecords(path: folder.file("sim/sequences.fa"))
        var count = 0
        while let record = try records.next() {
            XCTAssertEqual(record.bases.count, 60)
            count += 1
        }
        XCTAssertEqual(count, 24)
        var missing = SimulationJob(database: Repo.path("data/motifs/JASPAR2026_CORE_insects.meme"), ids: ["MA9999.9"])
        missing.count = 2
        assertPipelineError(.data, containing: "motif 'MA9999.9' is not in") { _ = try missing.run(out: folder.file("none")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("none")))
    }

    func testTableRowsPlotsAndAnIndependentRMA() throws {
        let folder = TemporaryFolder()
        _ = try simulate(into: folder.file("sim"))
        var job = EvaluationJob(model: model, sequences: folder.file("sim/sequences.fa"))
        job.groundTruth = folder.file("sim/ground_truth.bed")
        job.pruneGrid = [0, 0.25, 0.5]
        job.target = "a"
        job.robustnessSamples = 3
        let report = try job.run(out: folder.file("eval"))
        XCTAssertEqual(report.methods, 9)
        let rows = try String(contentsOfFile: folder.file("eval/metrics.tsv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows[0].joined(separator: "\t"), EvaluationOutputs.header)
        XCTAssertEqual(rows.dropFirst().map { "\($0[0]) \($0[1])" },
                       ["lrp 0", "plrp-lambda 0.25", "plrp-lambda 0.5", "plrp-m 0.25", "plrp-m 0.5", "deeplift-shap 0", "gradient-x-input 0",
                        "saliency 0", "ism 0"])
        for row in rows.dropFirst() {
            XCTAssertTrue((0...1).contains(Double(row[2])!), "rma \(row)")
            XCTAssertTrue((0...1).contains(Double(row[3])!), "gini \(row)")
            XCTAssertEqual(row[6] == "NA", row[0] == "ism", "max-sensitivity is left out for ISM only")
        }
        XCTAssertEqual(Double(rows.last![7])!, 1, accuracy: 1e-9, "ISM agrees with itself")
        let perSequence = try String(contentsOfFile: folder.file("eval/per_sequence.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(perSequence.count, 1 + 9 * report.sequences)
        for plot in ["rma_vs_p.svg", "gini_vs_p.svg", "faithfulness.svg", "example.svg"] {
            let svg = try String(contentsOfFile: folder.file("eval/\(plot)"), encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"), plot)
        }

        // LRP's RMA recomputed from an explanation of the same sequences: same composite, same target.
        var explain = ExplainJob(input: InputDescription(.sequences(folder.file("sim/sequences.fa"))), model: model)
        explain.method.prune = "0"
        explain.target = "a"
        let (explained, _) = try Explainer(explain).collect()
        var sites: [String: [(Int, Int)]] = [:]
        for line in try String(contentsOfFile: folder.file("sim/ground_truth.bed"), encoding: .utf8).split(separator: "\n") {
            let f = line.split(separator: "\t")
            sites[String(f[0]), default: []].append((Int(f[1])!, Int(f[2])!))
        }
        var rmas: [Double] = []
        for (i, place) in explained.places.enumerated() {
            guard let spans = sites[place.label] else { continue }
            let r = BaseSums.of(explained.relevance[(i * 240)..<((i + 1) * 240)], length: 60)
            var inside = 0.0, total = 0.0
            for (p, v) in r.enumerated() where v > 0 {
                total += Double(v)
                if spans.contains(where: { p >= $0.0 && p < $0.1 }) { inside += Double(v) }
            }
            rmas.append(total > 0 ? inside / total : 0)
        }
        XCTAssertEqual(rmas.count, report.sequences)
        XCTAssertEqual(Double(rows[1][2])!, rmas.reduce(0, +) / Double(rmas.count), accuracy: 1e-4)
    }
}
