import Foundation
import Pipeline
import TestSupport
import XCTest

/// `TrainJob` and `PredictJob` in process, on a simulated task where one k-mer decides the label.
final class TrainAndPredictJobTests: XCTestCase {
    func job(_ folder: TemporaryFolder, _ prefix: String, seed: UInt64, epochs: Int, threads: Int) -> TrainJob {
        var job = TrainJob(examples: .sequences(folder.file("\(prefix).fa"), labels: folder.file("\(prefix).tsv")))
        job.options.seed = seed
        job.options.epochs = epochs
        job.threads = threads
        return job
    }

    func testLearnsAKmerToHighTestAUROC() throws {
        let folder = TemporaryFolder()
        _ = try writeKmerTask(1200, length: 60, prefix: "train", seed: 11, in: folder)
        let truth = try writeKmerTask(400, length: 60, prefix: "test", seed: 12, in: folder)
        let model = folder.file("kmer.safetensors")
        var plans: [TrainJob.Plan] = [], epochs: [EpochReport] = []
        let report = try job(folder, "train", seed: 3, epochs: 10, threads: 2).run(out: model, started: { plans.append($0) },
                                                                                 epoch: { epochs.append($0) })
        XCTAssertEqual(plans.map { $0.training + $0.validation }, [1200])
        XCTAssertEqual(epochs.count, report.history.count)
        XCTAssertNotNil(report.best?.validationAUROC)
        XCTAssertEqual(TrainJob.historyPath(model: model), folder.file("kmer.training.json"))
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.file("kmer.training.json")))) as! [String: Any]
        XCTAssertEqual((history["epochs"] as! [[String: Any]]).count, report.history.count)
        XCTAssertEqual(history["best_epoch"] as? Int, report.bestEpoch)

        try PredictJob(input: InputDescription(.sequences(folder.file("test.fa"))), model: model).run(out: folder.file("p.tsv"))
        let rows = try String(contentsOfFile: folder.file("p.tsv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "window\tkmer")
        let scores = rows.dropFirst().map { Float($0.split(separator: "\t")[1])! }
        XCTAssertEqual(scores.count, truth.count)
        let auroc = try XCTUnwrap(BinaryMetrics.auroc(scores: scores, labels: truth))
        XCTAssertGreaterThanOrEqual(auroc, 0.95)
    }

    func testSameSeedSameModelForAnyThreads() throws {
        let folder = TemporaryFolder()
        _ = try writeKmerTask(160, length: 40, prefix: "d", seed: 5, in: folder)
        for threads in [1, 2] {
            _ = try job(folder, "d", seed: 9, epochs: 2, threads: threads).run(out: folder.file("m\(threads).safetensors"))
        }
        let one = try XCTUnwrap(FileManager.default.contents(atPath: folder.file("m1.safetensors")))
        let two = try XCTUnwrap(FileManager.default.contents(atPath: folder.file("m2.safetensors")))
        XCTAssertGreaterThan(one.count, 1000)
        XCTAssertEqual(one, two)
    }

    func testGenomePositivesWithSampledNegatives() throws {
        let folder = TemporaryFolder()
        var bed = ""
        for i in 0..<30 { bed += "chr2R\t\(5_000_000 + i * 10_000)\t\(5_000_000 + i * 10_000 + 300)\tp\(i)\n" }
        try bed.write(toFile: folder.file("pos.bed"), atomically: true, encoding: .utf8)
        var job = TrainJob(examples: .genome(fasta: Repo.genome, positives: folder.file("pos.bed"), negatives: nil, window: 64))
        job.options.epochs = 1
        job.options.seed = 2
        var plan: TrainJob.Plan?
        _ = try job.run(out: folder.file("g.safetensors"), started: { plan = $0 })
        XCTAssertEqual(plan?.training, 54)
        XCTAssertEqual(plan?.validation, 6)
        let model = try Opening.model(folder.file("g.safetensors"))
        XCTAssertEqual(model.inputLength, 64)
        XCTAssertEqual(model.outputs, ["positive"])
        let summary = ModelSummary.text(model, path: "g.safetensors")
        XCTAssertTrue(summary.contains("input: [4, 64]") && summary.contains("outputs: positive"), summary)
    }

    func testArchitectureOfAnotherLengthIsRefusedBeforeWriting() throws {
        let folder = TemporaryFolder()
        _ = try writeKmerTask(40, length: 40, prefix: "d", seed: 5, in: folder)
        let architecture = folder.file("a.json")
        try """
        {"input": {"alphabet": "ACGT", "length": 50}, "layers": [{"type": "conv1d", "name": "c", "in_channels": 4, \
        "out_channels": 2, "kernel_size": 3}, {"type": "global_max_pool"}, {"type": "dense", "name": "o", "in_features": 2, \
        "out_features": 1}], "outputs": ["kmer"]}
        """.write(toFile: architecture, atomically: true, encoding: .utf8)
        var train = job(folder, "d", seed: 1, epochs: 1, threads: 1)
        train.architecture = architecture
        assertPipelineError(.data, containing: "input length 50, but the training sequences have 40 bases") {
            _ = try train.run(out: folder.file("m.safetensors"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("m.safetensors")))
    }

    func testPredictRefusesAWindowOfAnotherLength() throws {
        let folder = TemporaryFolder()
        var input = InputDescription.genome(Repo.genome, regions: ["chr2R:1,000,001-1,001,000"], step: 100)
        input.window = 100
        assertPipelineError(.usage, containing: "--window 100 does not match the model's input length, 300") {
            try PredictJob(input: input, model: Repo.path("data/models/default.safetensors")).run(out: folder.file("p.tsv"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("p.tsv")))
    }
}
