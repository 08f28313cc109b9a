import Foundation
import TestSupport
import XCTest

/// The defaults shared by the commands that explain, and the method options run and query take like explain.
final class DefaultsTests: XCTestCase {
    let model = Repo.path("data/models/default.safetensors")
    let region = "chr2R:1,000,001-1,003,000"

    private func explain(_ extra: [String], into out: String) throws -> ProcessResult {
        try plrp(["explain", "--model", model, "--fasta", Repo.genome, "--region", region, "-o", out, "--quiet"] + extra)
    }

    private func manifestParameters(_ folder: String) throws -> [String: Any] {
        let document = try JSONSerialization.jsonObject(with: try fileBytes(folder + "/manifest.json")) as! [String: Any]
        return document["parameters"] as! [String: Any]
    }

    func testExplainDefaultsToPLRPAndEveryCoreAndPruneZeroIsLRP() throws {
        let folder = TemporaryFolder()
        var run = try explain([], into: folder.file("default"))
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try explain(["--prune", "0.5", "--plrp", "lambda", "--threads", "1"], into: folder.file("explicit"))
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try explain(["--prune", "0"], into: folder.file("lrp"))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try manifestParameters(folder.file("default"))["prune"] as? String, "0.5")
        XCTAssertEqual(try manifestParameters(folder.file("lrp"))["prune"] as? String, "0")
        for file in ["attr.npz", "ohe.npz", "windows.bed", "relevance.bedGraph.gz", "relevance.bw"] {
            XCTAssertEqual(try fileBytes(folder.file("default/\(file)")), try fileBytes(folder.file("explicit/\(file)")), file)
        }
        XCTAssertNotEqual(try fileBytes(folder.file("default/attr.npz")), try fileBytes(folder.file("lrp/attr.npz")))
        // The summary names the method; --threads defaults to every core.
        let loud = try plrp("explain", "--model", model, "--fasta", Repo.genome, "--region", region, "-o", folder.file("loud"))
        XCTAssertTrue(loud.stderr.contains("(epsilon_plus, PLRP-lambda)"), loud.stderr)
        let help = try plrp("explain", "--help").stdoutText
        XCTAssertTrue(help.contains("(default: \(ProcessInfo.processInfo.activeProcessorCount))"), help)
        XCTAssertTrue(help.contains("--prune <prune>") && help.contains("(default: 0.5)"), help)
    }

    func testRunAndQueryTakeTheExplainMethodOptions() throws {
        let folder = TemporaryFolder()
        let run = try plrp("run", "--region", region, "--method", "deeplift-shap", "--shuffles", "2", "--strand", "both",
                           "-o", folder.file("run"), "--quiet")
        XCTAssertEqual(run.status, 0, run.stderr)
        let parameters = try manifestParameters(folder.file("run"))
        XCTAssertEqual(parameters["method"] as? String, "deeplift-shap")
        XCTAssertEqual(parameters["shuffles"] as? Int, 2)
        XCTAssertEqual(parameters["strand"] as? String, "both")
        XCTAssertTrue((parameters["job"] as? String ?? "").contains("--method deeplift-shap --shuffles 2 --seed 1 --strand both"))
        // The same run again is recognised; another method is another job.
        let again = try plrp("run", "--region", region, "--method", "deeplift-shap", "--shuffles", "2", "--strand", "both",
                             "-o", folder.file("run"))
        XCTAssertTrue(again.stderr.contains("already holds this job's results"), again.stderr)
        let query = try plrp("query", "chr2R:1,001,001-1,001,300", "--method", "deeplift-shap", "--shuffles", "2", "--format", "json")
        XCTAssertEqual(query.status, 0, query.stderr)
        let document = try JSONSerialization.jsonObject(with: query.stdout) as! [String: Any]
        XCTAssertTrue((document["source"] as! String).contains("deeplift-shap, 2 references"), document["source"] as! String)
        XCTAssertEqual((document["bases"] as! [Any]).count, 300)
        let lrp = try plrp("query", "chr2R:1,001,001-1,001,300", "--prune", "0")
        XCTAssertEqual(lrp.status, 0, lrp.stderr)
        XCTAssertTrue(lrp.stdoutText.hasPrefix("# chr2R:1001001-1001300 (chr2R:1001000-1001300 0-based); explained: 3 windows of default.safetensors, epsilon_plus p=0\n"),
                      String(lrp.stdoutText.prefix(200)))
    }
}
