import Pipeline
import TestSupport
import XCTest

/// The identity of a run is what makes `plrp run` leave a finished folder alone and `plrp merge` join shards: its
/// form must not change, or earlier results would be recomputed and earlier shards refused.
final class RunIdentityTests: XCTestCase {
    func testDefaultRunArgumentsKeepTheirForm() {
        var explain = ExplainJob(input: .genome("g.fa", regions: ["chr2R:1,000,001-2,000,000"], step: 150), model: "m.safetensors",
                                 method: .plrp(0.5))
        var job = RunJob(explain: explain, motifs: MotifsJob(database: "db.meme"))
        XCTAssertEqual(job.arguments, ["--fasta", "g.fa", "--model", "m.safetensors", "--step", "150", "--prune", "0.5",
                                       "--plrp", "lambda", "--region", "chr2R:1,000,001-2,000,000", "--database", "db.meme"])
        XCTAssertEqual(job.inputs, ["g.fa", "m.safetensors", "db.meme"])
        explain.shard = WindowShard(index: 2, count: 3)
        job = RunJob(explain: explain, motifs: MotifsJob(database: "db.meme"))
        XCTAssertEqual(Array(job.arguments.suffix(4)), ["--region", "chr2R:1,000,001-2,000,000", "--shard", "2/3"])
        XCTAssertEqual(job.inputs, ["g.fa", "m.safetensors"])
    }

    func testOtherMethodsAddTheirOptions() {
        var method = MethodConfiguration.plrp(0.5)
        method.method = .deepliftShap
        method.shuffles = 5
        method.strand = .both
        let job = RunJob(explain: ExplainJob(input: .genome("g.fa", step: 150), model: "m", method: method), motifs: MotifsJob(database: "d"))
        XCTAssertEqual(job.arguments, ["--fasta", "g.fa", "--model", "m", "--step", "150", "--prune", "0.5", "--plrp", "lambda",
                                       "--method", "deeplift-shap", "--shuffles", "5", "--seed", "1", "--strand", "both",
                                       "--database", "d"])
    }
}
