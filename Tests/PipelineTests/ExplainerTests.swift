import Foundation
import Pipeline
import TestSupport
import XCTest

/// Explaining through the library: in memory, the same rows `plrp explain` writes.
final class ExplainerTests: XCTestCase {
    func testInMemoryRowsAreWhatPlrpExplainWrites() throws {
        let region = "chr2R:1,000,001-1,006,000"
        let (rows, report) = try Explainer(Shipped.explainJob(regions: [region])).collect()
        XCTAssertEqual(report.windows, 39)
        XCTAssertEqual(rows.rows, 39)
        XCTAssertEqual(report.label, "epsilon_plus, PLRP-lambda")

        let folder = TemporaryFolder()
        let cli = try plrp("explain", "--fasta", Repo.genome, "--model", Shipped.model, "--region", region, "--step", "150",
                           "--prune", "0.5", "-o", folder.file("cli"), "--quiet")
        XCTAssertEqual(cli.status, 0, cli.stderr)
        // The collected arrays written as .npz are the same bytes as the command's files.
        for (name, values) in [("ohe.npz", rows.oneHot), ("attr.npz", rows.relevance)] {
            let writer = try NPZWriter(path: folder.file(name), rowShape: [4, rows.length])
            try writer.append(values)
            try writer.finish()
            XCTAssertEqual(try fileBytes(folder.file(name)), try fileBytes(folder.file("cli/\(name)")), name)
        }
        let bed = try WindowsBED.read(path: folder.file("cli/windows.bed"))
        XCTAssertEqual(bed.count, 39)
        XCTAssertEqual(bed, rows.places)
        // And the folder the library writes is the command's, file for file.
        let explainer = try Explainer(Shipped.explainJob(regions: [region]))
        let out = try OutputDirectory(path: folder.file("library"))
        let written = try explainer.explain(into: out)
        try Manifest.commit("explain", parameters: written.parameters, inputs: written.inputs, results: written.results,
                            seconds: written.seconds, folder: out)
        for file in ["ohe.npz", "attr.npz", "windows.bed", "relevance.bedGraph.gz", "relevance.bedGraph.gz.tbi", "relevance.bw"] {
            XCTAssertEqual(try fileBytes(folder.file("library/\(file)")), try fileBytes(folder.file("cli/\(file)")), file)
        }
    }

    func testThreadsAndBatchSizeDoNotChangeTheRows() throws {
        var job = Shipped.explainJob(regions: ["chr2R:3,000,001-3,003,000"])
        job.batchSize = 7
        let (one, _) = try Explainer(job).collect()
        job.threads = 2
        job.batchSize = 256
        let (two, _) = try Explainer(job).collect()
        XCTAssertEqual(one.rows, 19)
        XCTAssertEqual(bits(one.relevance), bits(two.relevance))
        XCTAssertEqual(bits(one.oneHot), bits(two.oneHot))
    }

    func testTargetAllGivesOneRowPerWindowAndOutput() throws {
        let fixture = Repo.fixture("lrp/a_bn_pools.safetensors")  // outputs y0, y1, y2; input 40 bp
        var job = ExplainJob(input: .genome(Repo.genome, regions: ["chr2R:100,001-100,080"]), model: fixture)
        job.target = "all"
        let (all, _) = try Explainer(job).collect()
        XCTAssertEqual(all.places.map(\.name), [
            "chr2R:100000-100040(+)|y0", "chr2R:100000-100040(+)|y1", "chr2R:100000-100040(+)|y2",
            "chr2R:100040-100080(+)|y0", "chr2R:100040-100080(+)|y1", "chr2R:100040-100080(+)|y2",
        ])
        job.target = "y1"
        let (y1, _) = try Explainer(job).collect()
        XCTAssertEqual(bits(Array(all.relevance[160..<320])), bits(Array(y1.relevance[0..<160])))
        XCTAssertEqual(bits(Array(all.relevance[640..<800])), bits(Array(y1.relevance[160..<320])))
    }

    func testDeepLiftShapWithHypotheticalContributions() throws {
        var job = Shipped.explainJob(regions: ["chr2R:1,000,001-1,000,600"])
        job.method.method = .deepliftShap
        job.method.shuffles = 3
        job.method.hypothetical = true
        let explainer = try Explainer(job)
        let (rows, report) = try explainer.collect()
        XCTAssertEqual(rows.rows, 3)
        XCTAssertEqual(rows.hypothetical.count, rows.relevance.count)
        XCTAssertEqual(report.label, "deeplift-shap, 3 references")
        XCTAssertEqual(report.check, "convergence delta")
        XCTAssertEqual(report.checks.pairs, 9)
        XCTAssertEqual(report.parameters["shuffles"] as? Int, 3)
        // Hypothetical contributions times the one-hot input are the contributions.
        for i in stride(from: 0, to: rows.relevance.count, by: 97) where rows.oneHot[i] == 1 {
            XCTAssertEqual(rows.hypothetical[i], rows.relevance[i], accuracy: 1e-6 * max(1, abs(rows.relevance[i])))
        }
    }

    func testBadRequestsAreUsageErrorsBeforeAnyOutput() throws {
        let cases: [(ExplainJob, String)] = [
            ({ var j = Shipped.explainJob(); j.target = "enhancer"; return j }(), "--target 'enhancer' is not an output"),
            ({ var j = Shipped.explainJob(); j.method.rules = ["99=epsilon"]; return j }(), "no conv or dense layer is named '99'"),
            ({ var j = Shipped.explainJob(); j.method.rules = ["3=banana"]; return j }(), "unknown rule 'banana'"),
            ({ var j = Shipped.explainJob(); j.method.prune = "1.5"; return j }(), "not a fraction"),
            ({ var j = Shipped.explainJob(); j.method.hypothetical = true; j.method.method = .ism; return j }(), "no hypothetical"),
            ({ var j = Shipped.explainJob(); j.input.window = 200; return j }(), "does not match the model's input length, 300"),
            ({ var j = Shipped.explainJob(); j.shard = WindowShard(index: 1, count: 2); j.input.source = .sequences("x.fa"); return j }(),
             "--shard needs --fasta input"),
        ]
        for (job, message) in cases {
            assertPipelineError(.usage, containing: message) { _ = try Explainer(job, diagnostics: .silent) }
        }
        assertPipelineError(.data, containing: "unknown contig 'chrX'") {
            _ = try Explainer(Shipped.explainJob(regions: ["chrX:1-100"]), diagnostics: .silent)
        }
    }

    func testRegionsPastTheContigEndAreClippedWithAWarning() throws {
        let warnings = Warnings()
        let explainer = try Explainer(Shipped.explainJob(regions: ["chr2R:21,146,001-21,150,000"]), diagnostics: warnings.diagnostics)
        XCTAssertEqual(warnings.all.count, 1)
        XCTAssertTrue(warnings.all[0].contains("runs past the end of chr2R (length 21146708); clipped to chr2R:21146001-21146708"),
                      warnings.all[0])
        let (rows, _) = try explainer.collect()
        // 708 bases need 4 windows every 150 bp; the last reads N past the contig end and ends there in windows.bed.
        XCTAssertEqual(rows.places.map(\.end), [21_146_300, 21_146_450, 21_146_600, 21_146_708])
    }
}
